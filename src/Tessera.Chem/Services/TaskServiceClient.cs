using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Chem.Executions;
using Tessera.Chem.Molecules;
using Tessera.Chem.Storage;
using Tessera.Data;
using Tessera.Jobs;
using Tessera.Platform.Downloads;

namespace Tessera.Chem.Services;

/// <summary>
/// Carries out an execution on a task service: takes the least recently used live instance of the task version,
/// records its URL on the execution, and POSTs {url}/execute with the parameters and signed links to the artifacts
/// they name. A service that cannot be reached or does not answer in time is dropped and the job fails with a
/// transient error, so the retry takes another instance; a problem the service answers fails the execution with its
/// code. The result is checked against the task version's output schema and recorded once: a second run that finds it
/// stored returns it.
/// </summary>
internal sealed class TaskServiceClient(
    TesseraDatabase database, TaskServiceRegistry registry, IHttpClientFactory clients, SignedDownloads downloads, ExecutionJournal journal, ChemSettings settings,
    ExecutionResults results)
{
    public const string HttpClientName = "chem.services";

    /// <summary>Null when no live service of the organization runs the task version.</summary>
    public async Task<JsonNode?> TryRunAsync(Execution execution, JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentNullException.ThrowIfNull(context);
        var service = await registry.TakeAsync(execution.OrgId, execution.TaskName, execution.TaskVersion, cancellationToken).ConfigureAwait(false);
        if (service is null) return null;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            await ExecutionRows.SetServiceAsync(c, execution.Id, service.Url, cancellationToken).ConfigureAwait(false);
        await journal.AppendAsync(execution, ExecutionEventTypes.Service, "running on the task service at " + service.Url,
            new JsonObject { ["service"] = service.Url }, cancellationToken).ConfigureAwait(false);
        await context.ReportProgressAsync(0, 1, "running on " + service.Url, cancellationToken).ConfigureAwait(false);
        var request = new JsonObject
        {
            ["execution_id"] = execution.Id.ToString(),
            ["task"] = execution.TaskName,
            ["version"] = execution.TaskVersion,
            ["parameters"] = JsonNode.Parse(execution.Parameters),
            ["inputs"] = await InputsAsync(execution, service, cancellationToken).ConfigureAwait(false),
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.ServiceExecuteTimeoutSeconds));
        HttpResponseMessage response;
        string body;
        try
        {
            // Buffered, with a Content-Length, so the simplest HTTP servers (no chunked bodies) read it.
            using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
            response = await clients.CreateClient(HttpClientName).PostAsync(new Uri(service.Url + "/execute"), content, timeout.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await registry.DropAsync(service, e.Message, CancellationToken.None).ConfigureAwait(false);
            throw new TransientJobException($"The task service at {service.Url} did not answer ({e.Message}); the execution is retried on another instance.", e);
        }
        using (response)
        {
            if (response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
                throw new TransientJobException($"The task service at {service.Url} answered {(int)response.StatusCode}; the execution is retried.");
            if (!response.IsSuccessStatusCode) throw Problem(service, (int)response.StatusCode, body);
            JsonObject result;
            try
            {
                result = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException e)
            {
                throw new PermanentJobException(ChemErrorCodes.ServiceFailed, $"The task service at {service.Url} answered no JSON object: {e.Message}");
            }
            // A service in any language may answer what the task version does not promise: checked before it is stored.
            var standing = await results.RecordAsync(execution, result, cancellationToken).ConfigureAwait(false);
            await context.ReportProgressAsync(1, 1, "done", cancellationToken).ConfigureAwait(false);
            return standing;
        }
    }

    /// <summary>Signed, absolute download links for each top-level parameter that names an artifact of the organization.</summary>
    private async Task<JsonObject> InputsAsync(Execution execution, TaskService service, CancellationToken cancellationToken)
    {
        var inputs = new JsonObject();
        if (JsonNode.Parse(execution.Parameters) is not JsonObject parameters) return inputs;
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (name, value) in parameters)
        {
            if (value is not JsonValue v || !v.TryGetValue<string>(out var text) || !Guid.TryParse(text, out var id)) continue;
            if (await ArtifactRows.FindAsync(c, execution.OrgId, id, cancellationToken).ConfigureAwait(false) is not Artifact artifact) continue;
            var link = await downloads.SignLinkAsync($"/api/v1/blobs/{artifact.BlobSha256}", execution.OrgId, MoleculeReader.LinkLifetime).ConfigureAwait(false);
            inputs[name] = new JsonObject
            {
                ["artifact_id"] = artifact.Id.ToString(), ["file_name"] = artifact.FileName, ["format"] = artifact.Format,
                ["url"] = service.ServerUrl + link.Url, ["expires_at"] = link.ExpiresAt,
            };
        }
        return inputs;
    }

    private static PermanentJobException Problem(TaskService service, int status, string body)
    {
        string? code = null, detail = null;
        try
        {
            if (JsonNode.Parse(body) is JsonObject problem)
            {
                code = problem["code"]?.GetValue<string>();
                detail = problem["detail"]?.GetValue<string>() ?? problem["title"]?.GetValue<string>();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not a problem document: report the status and the start of the body.
        }
        detail ??= body.Length > 500 ? body[..500] : body;
        return new PermanentJobException(code ?? ChemErrorCodes.ServiceFailed, $"The task service at {service.Url} answered {status}: {detail}");
    }
}
