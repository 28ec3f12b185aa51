using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Tessera.Core;

namespace Tessera.Cards.Download;

/// <summary>
/// Fetches one image with retries. Retried: 429 and 5xx (after the server's Retry-After when it gives one), timeouts,
/// broken connections and bodies cut short; failed at once: other 4xx. The body goes to <c>&lt;file&gt;.part</c>, is
/// flushed to disk and renamed, so the final name only ever holds a whole image and a killed run leaves at most
/// <c>.part</c> files, which the next run overwrites.
/// </summary>
internal sealed class ImageFetcher(HttpClient http, HostRateLimiter limiter, RetryDelays delays, string folder, CardsSettings settings, TimeProvider time)
{
    private readonly TimeSpan _readTimeout = TimeSpan.FromSeconds(settings.ReadTimeoutSeconds);

    /// <param name="work">The image.</param>
    /// <param name="revalidate">Ask the server whether an image already on disk changed (a conditional request) instead of skipping it.</param>
    /// <param name="cancellationToken">Stops the run; an image in flight is abandoned with its <c>.part</c> file.</param>
    public async Task<ImageOutcome> FetchAsync(ImageWork work, bool revalidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var path = Path.Combine(folder, work.FileName);
        var present = File.Exists(path);
        if (present && !revalidate) return new ImageOutcome(work, ImageOutcomeKind.Present);
        for (var attempt = 1; ; attempt++)
        {
            await limiter.WaitAsync(work.Uri, cancellationToken).ConfigureAwait(false);
            var result = await AttemptAsync(work, path, present, cancellationToken).ConfigureAwait(false);
            if (result.Final is { } final) return final with { Attempts = attempt };
            var wait = attempt < settings.MaxAttempts ? delays.After(attempt, result.RetryAfter, time.GetUtcNow()) : null;
            if (wait is null) return new ImageOutcome(work, ImageOutcomeKind.Failed) { Reason = result.Reason, HttpStatus = result.Status, Attempts = attempt };
            await Task.Delay(wait.Value, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Attempt> AttemptAsync(ImageWork work, string path, bool present, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, work.Uri);
        if (present)
        {
            if (work.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag)) request.Headers.IfNoneMatch.Add(tag);
            if (work.LastModified is { } modified) request.Headers.IfModifiedSince = modified;
        }
        HttpResponseMessage response;
        using (var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            headers.CancelAfter(_readTimeout);
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Attempt.Retry("timeout");
            }
            catch (HttpRequestException e)
            {
                return Attempt.Retry(e.InnerException is TimeoutException ? "timeout" : "connection");
            }
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.NotModified)
                return Attempt.Done(new ImageOutcome(work, ImageOutcomeKind.Unchanged) { HttpStatus = status });
            if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500) return Attempt.Retry($"http_{status}", status, response.Headers.RetryAfter);
            if (!response.IsSuccessStatusCode) return Attempt.Done(new ImageOutcome(work, ImageOutcomeKind.Failed) { Reason = $"http_{status}", HttpStatus = status });
            try
            {
                return Attempt.Done(await SaveAsync(work, path, response, cancellationToken).ConfigureAwait(false));
            }
            catch (TimeoutException)
            {
                return Attempt.Retry("timeout", status);
            }
            catch (HttpIOException)
            {
                // The connection closed or was reset before the declared length (or the body's framing) was complete.
                return Attempt.Retry("truncated", status);
            }
        }
    }

    private async Task<ImageOutcome> SaveAsync(ImageWork work, string path, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(path)!);
        var part = path + ".part";
        var options = PrivateFiles.CreateNew(1 << 16, FileOptions.Asynchronous);
        // A .part left by a killed run is overwritten; FileShare.None keeps a concurrent run off the same file.
        options.Mode = FileMode.Create;
        FileStream file;
        try
        {
            file = new FileStream(part, options);
        }
        catch (IOException)
        {
            return new ImageOutcome(work, ImageOutcomeKind.Failed) { Reason = "busy", HttpStatus = (int)response.StatusCode };
        }
        long bytes = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            await using (file)
            {
                await using var body = new ReadTimeoutStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _readTimeout);
                int read;
                while ((read = await ReadBodyAsync(body, buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    hash.AppendData(buffer, 0, read);
                    bytes += read;
                }
                if (response.Content.Headers.ContentLength is { } length && length != bytes) throw new HttpIOException(HttpRequestError.ResponseEnded, $"The body ended after {bytes} of {length} bytes.");
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            if (bytes == 0)
            {
                File.Delete(part);
                return new ImageOutcome(work, ImageOutcomeKind.Failed) { Reason = "empty", HttpStatus = (int)response.StatusCode };
            }
            File.Move(part, path, overwrite: true);
        }
        catch
        {
            TryDelete(part);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new ImageOutcome(work, ImageOutcomeKind.Downloaded)
        {
            HttpStatus = (int)response.StatusCode,
            ETag = response.Headers.ETag?.ToString(),
            LastModified = response.Content.Headers.LastModified,
            Bytes = bytes,
            Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()),
        };
    }

    /// <summary>A read of the body; a broken connection surfaces as the body cut short, told apart from an error writing the file.</summary>
    private static async Task<int> ReadBodyAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await body.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (e is not HttpIOException)
        {
            throw new HttpIOException(HttpRequestError.ResponseEnded, "The connection broke before the body was complete.", e);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>One request's result: a final outcome, or a retryable failure with its reason and the server's Retry-After.</summary>
    private sealed record Attempt(ImageOutcome? Final, string Reason, int? Status, RetryConditionHeaderValue? RetryAfter)
    {
        public static Attempt Done(ImageOutcome outcome) => new(outcome, "", null, null);

        public static Attempt Retry(string reason, int? status = null, RetryConditionHeaderValue? retryAfter = null) => new(null, reason, status, retryAfter);
    }
}
