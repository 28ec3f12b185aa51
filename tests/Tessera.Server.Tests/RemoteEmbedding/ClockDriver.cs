using Microsoft.Extensions.Time.Testing;

namespace Tessera.Server.Tests.RemoteEmbedding;

/// <summary>
/// Runs a call whose waits (backoff, timeouts, breaker) are on a <see cref="FakeTimeProvider"/>: moves the clock a
/// second at a time until the call ends, so the test sees when (in clock time) things happened, never how long they took.
/// </summary>
public static class ClockDriver
{
    public static async Task<T> DriveAsync<T>(this FakeTimeProvider clock, Task<T> call)
    {
        while (!call.IsCompleted)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(call, Task.Delay(5));
        }
        return await call;
    }
}
