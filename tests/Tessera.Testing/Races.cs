using System.Net;

namespace Tessera.Testing;

/// <summary>
/// Conflicting requests at once: every request waits at one gate and all are released together, so they overlap in
/// the server as much as the machine allows. Use it for every state-changing route, on both dialects.
/// </summary>
public static class Races
{
    /// <summary>Sends <paramref name="count"/> requests (<paramref name="send"/> gets 0…count−1) in parallel and returns every response, in order.</summary>
    public static async Task<IReadOnlyList<HttpResponseMessage>> RunAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await gate.Task.ConfigureAwait(false);
            return await send(i).ConfigureAwait(false);
        })).ToList();
        gate.SetResult();
        return await Task.WhenAll(requests).ConfigureAwait(false);
    }

    /// <summary>Fails, showing each offending body, when any response is a server error (5xx).</summary>
    public static async Task AssertNoServerErrorsAsync(IEnumerable<HttpResponseMessage> responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var failures = new List<string>();
        foreach (var response in responses.Where(r => (int)r.StatusCode >= 500))
            failures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        Assert.True(failures.Count == 0, $"{failures.Count} server error(s):\n" + string.Join("\n", failures));
    }

    /// <summary>How many responses had each status code.</summary>
    public static IReadOnlyDictionary<HttpStatusCode, int> CountByStatus(IEnumerable<HttpResponseMessage> responses) =>
        responses.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
}
