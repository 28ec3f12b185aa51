using System.Text.Json.Nodes;

namespace Tessera.Jobs;

/// <summary>
/// Runs one kind of job. Register with <c>services.AddJobHandler&lt;T&gt;()</c>; a worker claims only the kinds
/// it has handlers for. Throw <see cref="TransientJobException"/> for errors worth retrying (with backoff);
/// any other exception fails the job at once with the error recorded.
/// </summary>
public interface IJobHandler
{
    /// <summary>The kind name jobs are enqueued with, by convention <c>&lt;module&gt;.&lt;action&gt;</c>.</summary>
    string Kind { get; }

    /// <summary>Bump when the handler's output for the same input changes: it is part of the input signature.</summary>
    int Version { get; }

    /// <summary>Whether a succeeded job's result may answer a later job with the same input signature.</summary>
    bool Cacheable { get; }

    /// <summary>Does the work. Resume from <see cref="JobContext.Checkpoint"/> when it is set; honour <paramref name="cancellationToken"/>.</summary>
    Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken);
}
