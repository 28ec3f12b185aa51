using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.Core.Identity;
using Tessera.Data.Identity;

namespace Tessera.Jobs.Http;

/// <summary>
/// <c>GET /api/v1/jobs/{id}/events/stream</c>: server-sent events, one per job event (<c>id</c> = its sequence
/// number, so a reconnecting client resumes with Last-Event-ID). It polls the event table and ends once the job
/// is terminal and every event has been sent, or, when its token is revoked or expires while it runs, with a
/// <c>closed</c> event. One token holds a bounded number of streams open.
/// </summary>
internal static class JobEventStream
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public const string TokenNoLongerValidCode = "TOKEN_NO_LONGER_VALID";

    public static async Task StreamAsync(
        Guid id, long? after, HttpContext http, Caller caller, JobService jobs, TokenService tokens, JobStreamSlots slots, JobsOptions options,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.JobsRead);
        var scope = JobScope.Of(principal);
        var last = after ?? (long.TryParse(http.Request.Headers["Last-Event-ID"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var resumed) ? resumed : 0);
        await jobs.GetAsync(scope, id, cancellationToken).ConfigureAwait(false);
        using var slot = slots.Enter(principal);
        var json = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        await http.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        var nextCheck = time.GetUtcNow() + options.StreamRecheck;
        try
        {
            while (true)
            {
                if (principal.TokenId is { } tokenId && time.GetUtcNow() >= nextCheck)
                {
                    // Authentication ran once, when the stream opened; a revoked or expired token must not keep reading.
                    if (!await tokens.IsStillValidAsync(tokenId, cancellationToken).ConfigureAwait(false))
                    {
                        await http.Response.WriteAsync($"event: closed\ndata: {{\"code\":\"{TokenNoLongerValidCode}\"}}\n\n", cancellationToken).ConfigureAwait(false);
                        return;
                    }
                    nextCheck = time.GetUtcNow() + options.StreamRecheck;
                }
                var page = await jobs.FollowEventsAsync(scope, id, last, 500, cancellationToken).ConfigureAwait(false);
                foreach (var e in page.Events)
                {
                    await http.Response.WriteAsync($"id: {e.Seq}\nevent: {e.Type}\ndata: {JsonSerializer.Serialize(e, json)}\n\n", cancellationToken).ConfigureAwait(false);
                    last = e.Seq;
                }
                await http.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (page.Events.Count > 0) continue;
                // The state was read before the events: terminal then means the last event was in this (empty) page's reach.
                if (page.JobWasTerminal) return;
                await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }
}
