using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.Core.Identity;

namespace Tessera.Jobs.Http;

/// <summary>
/// <c>GET /api/v1/jobs/{id}/events/stream</c>: server-sent events, one per job event (<c>id</c> = its sequence
/// number, so a reconnecting client resumes with Last-Event-ID). It polls the event table and ends once the job
/// is terminal and every event has been sent.
/// </summary>
internal static class JobEventStream
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static async Task StreamAsync(Guid id, long? after, HttpContext http, ClaimsPrincipal user, JobService jobs, TimeProvider time, CancellationToken cancellationToken)
    {
        var scope = JobScope.Of(JobEndpoints.Caller(user, Permissions.JobsRead));
        var last = after ?? (long.TryParse(http.Request.Headers["Last-Event-ID"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var resumed) ? resumed : 0);
        await jobs.GetAsync(scope, id, cancellationToken).ConfigureAwait(false);
        var json = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        await http.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var events = await jobs.GetEventsAsync(scope, id, last, 500, cancellationToken).ConfigureAwait(false);
                foreach (var e in events)
                {
                    await http.Response.WriteAsync($"id: {e.Seq}\nevent: {e.Type}\ndata: {JsonSerializer.Serialize(e, json)}\n\n", cancellationToken).ConfigureAwait(false);
                    last = e.Seq;
                }
                await http.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (events.Count > 0) continue;
                // A job's last event is written with its terminal state, so once it is terminal nothing more comes.
                if ((await jobs.GetAsync(scope, id, cancellationToken).ConfigureAwait(false)).State.IsTerminal()) return;
                await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }
}
