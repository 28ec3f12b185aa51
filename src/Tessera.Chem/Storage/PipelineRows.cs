using System.Data.Common;
using Dapper;
using Tessera.Chem.Pipelines;

namespace Tessera.Chem.Storage;

/// <summary>The SQL of pipeline templates and instances; every read of a caller filters by organization in SQL.</summary>
internal static class PipelineRows
{
    private const string TemplateColumns =
        "id AS Id, org_id AS OrgId, name AS Name, version AS Version, description AS Description, steps AS Steps, inputs AS Inputs, created_by AS CreatedBy, created_at AS CreatedAt";

    private const string InstanceColumns =
        "id AS Id, org_id AS OrgId, user_id AS UserId, template_id AS TemplateId, parameters AS Parameters, rerun_of AS RerunOf, created_at AS CreatedAt";

    private const string StepColumns =
        "instance_id AS InstanceId, step_id AS StepId, position AS Position, task_name AS TaskName, task_version AS TaskVersion, depends_on AS DependsOn, execution_id AS ExecutionId";

    public static Task InsertTemplateAsync(DbConnection c, DbTransaction t, PipelineTemplateDefinition p, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chem_pipeline_templates (id, org_id, name, version, description, steps, inputs, created_by, created_at) " +
            "VALUES (@Id, @OrgId, @Name, @Version, @Description, @Steps, @Inputs, @CreatedBy, @CreatedAt)", p, t, cancellationToken: ct));

    /// <summary>The newest version the organization has of the name, or 0.</summary>
    public static Task<int> LatestVersionAsync(DbConnection c, DbTransaction t, Guid orgId, string name, CancellationToken ct) =>
        c.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COALESCE(MAX(version), 0) FROM chem_pipeline_templates WHERE org_id = @orgId AND name = @name", new { orgId, name }, t, cancellationToken: ct));

    /// <summary>The organization's templates, by name then newest version first.</summary>
    public static async Task<IReadOnlyList<PipelineTemplateDefinition>> ListTemplatesAsync(DbConnection c, Guid orgId, CancellationToken ct) =>
        (await c.QueryAsync<PipelineTemplateDefinition>(new CommandDefinition(
            $"SELECT {TemplateColumns} FROM chem_pipeline_templates WHERE org_id = @orgId ORDER BY name, version DESC", new { orgId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    public static Task<PipelineTemplateDefinition?> FindTemplateAsync(DbConnection c, DbTransaction? t, Guid orgId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<PipelineTemplateDefinition>(new CommandDefinition(
            $"SELECT {TemplateColumns} FROM chem_pipeline_templates WHERE id = @id AND org_id = @orgId", new { id, orgId }, t, cancellationToken: ct));

    public static Task InsertInstanceAsync(DbConnection c, DbTransaction t, PipelineInstance i, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chem_pipeline_instances (id, org_id, user_id, template_id, parameters, rerun_of, created_at) " +
            "VALUES (@Id, @OrgId, @UserId, @TemplateId, @Parameters, @RerunOf, @CreatedAt)", i, t, cancellationToken: ct));

    public static Task InsertStepAsync(DbConnection c, DbTransaction t, PipelineInstanceStep s, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chem_pipeline_instance_steps (instance_id, step_id, position, task_name, task_version, depends_on, execution_id) " +
            "VALUES (@InstanceId, @StepId, @Position, @TaskName, @TaskVersion, @DependsOn, @ExecutionId)", s, t, cancellationToken: ct));

    public static Task<PipelineInstance?> FindInstanceAsync(DbConnection c, Guid orgId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<PipelineInstance>(new CommandDefinition(
            $"SELECT {InstanceColumns} FROM chem_pipeline_instances WHERE id = @id AND org_id = @orgId", new { id, orgId }, cancellationToken: ct));

    /// <summary>The organization's newest instances (of one template version when <paramref name="templateId"/> is given), newest first.</summary>
    public static async Task<IReadOnlyList<PipelineInstance>> ListInstancesAsync(DbConnection c, Guid orgId, Guid? templateId, int limit, CancellationToken ct) =>
        (await c.QueryAsync<PipelineInstance>(new CommandDefinition(
            $"SELECT {InstanceColumns} FROM chem_pipeline_instances WHERE org_id = @orgId" + (templateId is null ? "" : " AND template_id = @templateId") +
            " ORDER BY created_at DESC, id DESC LIMIT @limit",
            new { orgId, templateId, limit }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>The instance's steps in the template's order; the instance was read with its organization's filter, or by its own job.</summary>
    public static async Task<IReadOnlyList<PipelineInstanceStep>> StepsAsync(DbConnection c, Guid instanceId, CancellationToken ct) =>
        (await c.QueryAsync<PipelineInstanceStep>(new CommandDefinition(
            $"SELECT {StepColumns} FROM chem_pipeline_instance_steps WHERE instance_id = @instanceId ORDER BY position", new { instanceId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>For a step's job, which carries the owner itself.</summary>
    public static Task<PipelineInstance?> FindInstanceForJobAsync(DbConnection c, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<PipelineInstance>(new CommandDefinition($"SELECT {InstanceColumns} FROM chem_pipeline_instances WHERE id = @id", new { id }, cancellationToken: ct));

    public static Task<PipelineTemplateDefinition?> FindTemplateForJobAsync(DbConnection c, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<PipelineTemplateDefinition>(new CommandDefinition($"SELECT {TemplateColumns} FROM chem_pipeline_templates WHERE id = @id", new { id }, cancellationToken: ct));
}
