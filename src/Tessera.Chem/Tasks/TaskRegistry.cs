using System.Data.Common;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tessera.Chem.Storage;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;

namespace Tessera.Chem.Tasks;

/// <summary>
/// The task registry held in the database: members read the system tasks and their organization's, organization
/// admins (<c>tasks:define</c>) register new tasks and new versions, which take effect at once (no restart). Versions
/// are immutable. Parameters are validated against a version's stored input schema, every failure with its JSON path.
/// Another organization's task is missing (404).
/// </summary>
internal sealed partial class TaskRegistry(TesseraDatabase database, TimeProvider time)
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 2000;

    public async Task<IReadOnlyList<TaskDefinition>> ListAsync(Principal caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await TaskRows.ListAsync(c, caller.OrgId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The version asked for, or the newest.</summary>
    public async Task<TaskDefinition> GetAsync(Principal caller, string name, int? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await TaskRows.FindAsync(c, null, caller.OrgId, name, version, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("task");
    }

    public async Task<TaskDefinition> RegisterAsync(Principal caller, ChemTaskRegistration request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        caller.Require(Permissions.TasksDefine);
        var name = request.Name?.Trim() ?? "";
        if (!NamePattern().IsMatch(name))
            throw TesseraException.Validation($"name must be 1 to {MaxNameLength} characters: lower-case letters, digits, '.', '_' or '-', starting with a letter.");
        if (request.Version is < 1) throw TesseraException.Validation("version must be at least 1.");
        var description = request.Description?.Trim() ?? "";
        if (description.Length > MaxDescriptionLength) throw TesseraException.Validation($"description must be at most {MaxDescriptionLength} characters.");
        var input = TaskSchemas.RequireValid(request.InputSchema, "input_schema");
        var output = TaskSchemas.RequireValid(request.OutputSchema, "output_schema");
        if (request.Resources is not null and not JsonObject) throw TesseraException.Validation("resources must be a JSON object (e.g. {\"cpu\": 2}).");
        var resources = request.Resources?.ToJsonString() ?? "{}";
        var now = time.GetUtcNow();
        try
        {
            return await database.InTransactionAsync(async (c, t) =>
            {
                if (await TaskRows.IsSystemNameAsync(c, t, name, cancellationToken).ConfigureAwait(false))
                    throw TesseraException.Conflict(ChemErrorCodes.TaskNameReserved, $"'{name}' is a system task; register yours under another name.");
                var latest = await TaskRows.FindAsync(c, t, caller.OrgId, name, null, cancellationToken).ConfigureAwait(false);
                var version = request.Version ?? (latest?.Version ?? 0) + 1;
                if (await TaskRows.FindAsync(c, t, caller.OrgId, name, version, cancellationToken).ConfigureAwait(false) is not null) throw VersionExists(name, version);
                var definition = new TaskDefinition
                {
                    Id = Guid.CreateVersion7(now), OrgId = caller.OrgId, Name = name, Version = version, Description = description,
                    InputSchema = input, OutputSchema = output, Resources = resources, Cache = TaskCachePolicy.RequireValid(request.Cache, version), CreatedBy = caller.UserId, CreatedAt = now,
                };
                await TaskRows.InsertAsync(c, t, definition, cancellationToken).ConfigureAwait(false);
                return definition;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (UniqueViolation.Is(e))
        {
            // Another registration of the same name took the version between the check and the insert.
            throw VersionExists(name, request.Version);
        }
    }

    /// <summary>Every failure of <paramref name="parameters"/> against the task version's input schema (none: valid).</summary>
    public async Task<(TaskDefinition Task, IReadOnlyList<SchemaError> Errors)> ValidateAsync(
        Principal caller, string name, int? version, JsonNode? parameters, CancellationToken cancellationToken)
    {
        var task = await GetAsync(caller, name, version, cancellationToken).ConfigureAwait(false);
        return (task, TaskSchemas.Validate(task.InputSchema, parameters));
    }

    /// <summary>As <see cref="ValidateAsync"/>, for callers that go on only with valid parameters: invalid ones are a 422 listing each error.</summary>
    public async Task<TaskDefinition> RequireValidAsync(Principal caller, string name, int? version, JsonNode? parameters, CancellationToken cancellationToken)
    {
        var (task, errors) = await ValidateAsync(caller, name, version, parameters, cancellationToken).ConfigureAwait(false);
        if (errors.Count == 0) return task;
        var error = new TesseraException(ChemErrorCodes.ParametersInvalid, 422, $"The parameters do not match {task.Name} v{task.Version}'s input schema ({errors.Count} error(s); see 'errors').");
        error.Extensions["errors"] = errors;
        throw error;
    }

    private static TesseraException VersionExists(string name, int? version) =>
        TesseraException.Conflict(ChemErrorCodes.TaskVersionExists, $"{name} v{version} already exists; versions never change, so register a new one.");

    [GeneratedRegex("^[a-z][a-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();
}
