using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tessera.Chem.Services;

/// <summary>
/// In the server: every <c>chem:service_health_interval_seconds</c>, drops the services past their heartbeat deadline and
/// calls GET {url}/health on each live one (5 s at most); one that fails (no answer, or not 2xx) is dropped.
/// </summary>
internal sealed partial class TaskServiceHealthChecker(
    TaskServiceRegistry registry, IHttpClientFactory clients, ChemSettings settings, ILogger<TaskServiceHealthChecker> logger) : BackgroundService
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.ServiceHealthIntervalSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await CheckAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogCheckFailed(e);
            }
        }
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var live = await registry.SweepAsync(cancellationToken).ConfigureAwait(false);
        var client = clients.CreateClient(TaskServiceClient.HttpClientName);
        await Parallel.ForEachAsync(live, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (service, ct) =>
        {
            string? failure;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(HealthTimeout);
            try
            {
                using var response = await client.GetAsync(new Uri(service.Url + "/health"), timeout.Token).ConfigureAwait(false);
                failure = response.IsSuccessStatusCode ? null : $"health check answered {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                failure = "health check failed: " + e.Message;
            }
            if (failure is not null) await registry.DropAsync(service, failure, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking the chem task services failed; trying again next interval.")]
    private partial void LogCheckFailed(Exception exception);
}
