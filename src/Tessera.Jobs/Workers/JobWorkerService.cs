using Microsoft.Extensions.Hosting;

namespace Tessera.Jobs.Workers;

/// <summary>Hosts one <see cref="JobWorker"/> for the life of the process (inside the server, or <c>tessera worker</c>).</summary>
internal sealed class JobWorkerService(JobWorker worker) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => worker.RunAsync(stoppingToken);
}
