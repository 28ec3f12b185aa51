using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Core.Errors;
using Tessera.Guides.Processing;

namespace Tessera.Guides.Instructions.Writers;

/// <summary>
/// A writer service over HTTP (an LLM behind a small adapter, say): <c>POST {guides:writer_url}</c> with the
/// transcript and the screens (time, sha256, the text read on them), answered with the steps
/// (<see cref="RemoteWriterAnswer"/>; the wire format is in docs/guides.md). No answer, a timeout, a 5xx, a rate
/// limit or a refused key is a 503 the job engine retries; any other 4xx is the input refused (422); an answer that
/// breaks the format (a step without text, a screenshot that is not one of the screens sent) is a 502, retried and then reported.
/// </summary>
internal sealed class RemoteStepWriter : IStepWriter, IDisposable
{
    public const string WriterKind = "remote";

    private readonly GuidesSettings _settings;
    private readonly HttpClient _http;

    public RemoteStepWriter(GuidesSettings settings)
    {
        _settings = settings;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(settings.WriterTimeoutSeconds),
        };
    }

    public string Kind => WriterKind;

    public async Task<WrittenSteps> WriteAsync(Guid jobId, IReadOnlyList<TranscriptSegment> segments, IReadOnlyList<FrameRef> frames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(frames);
        var endpoint = new Uri(_settings.WriterUrl!);
        var question = new RemoteWriterQuestion(jobId, InstructionService.MaxBlocks, InstructionService.MaxTextLength,
            [.. segments.Select(s => new RemoteWriterSegment(s.Start, s.End, s.Text))], [.. frames.Select(f => new RemoteWriterFrame(f.Sha256, f.TimeSeconds, f.Text))]);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = JsonContent.Create(question) };
        if (!string.IsNullOrEmpty(_settings.WriterApiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _settings.WriterApiKey);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw Unavailable(endpoint, e is TaskCanceledException ? $"did not answer within {_settings.WriterTimeoutSeconds} s (guides:writer_timeout_seconds)" : e.Message, e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var excerpt = body[..Math.Min(body.Length, 300)];
            if ((int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
                or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
                throw Unavailable(endpoint, $"answered {(int)response.StatusCode}: {excerpt}", null);
            if (!response.IsSuccessStatusCode)
                throw new TesseraException(GuidesErrorCodes.WriterRefused, 422, $"The writer service {endpoint} refused the transcript ({(int)response.StatusCode}): {excerpt}");
            RemoteWriterAnswer? answer;
            try
            {
                answer = JsonSerializer.Deserialize<RemoteWriterAnswer>(body);
            }
            catch (JsonException e)
            {
                throw Invalid(endpoint, $"its answer is not the writer format: {e.Message}");
            }
            return Steps(jobId, endpoint, answer, frames);
        }
    }

    /// <summary>The answer checked against the format and the screens sent; block ids as the built-in writer gives them.</summary>
    private static WrittenSteps Steps(Guid jobId, Uri endpoint, RemoteWriterAnswer? answer, IReadOnlyList<FrameRef> frames)
    {
        if (answer?.Steps is not { } steps) throw Invalid(endpoint, "its answer has no steps array");
        if (steps.Count > InstructionService.MaxBlocks) throw Invalid(endpoint, $"it wrote {steps.Count} steps, more than the {InstructionService.MaxBlocks} allowed");
        var times = frames.GroupBy(f => f.Sha256, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().TimeSeconds, StringComparer.Ordinal);
        var blocks = new List<InstructionBlock>(steps.Count);
        foreach (var (step, i) in steps.Select((s, i) => (s, i)))
        {
            var text = step?.Text?.Trim() ?? "";
            if (text.Length is 0 or > InstructionService.MaxTextLength) throw Invalid(endpoint, $"steps[{i}].text must hold 1 to {InstructionService.MaxTextLength} characters");
            if (step!.Start is < 0 || step.End is < 0 || step.Start > step.End) throw Invalid(endpoint, $"steps[{i}] has a narration window that is not 0 ≤ start ≤ end");
            double? frameTime = null;
            if (step.FrameSha256 is { } sha256)
            {
                if (!times.TryGetValue(sha256, out var time)) throw Invalid(endpoint, $"steps[{i}].frame_sha256 is not one of the screens sent");
                frameTime = time;
            }
            blocks.Add(new InstructionBlock(StepWriter.BlockId(jobId, i), text, step.Start, step.End, step.FrameSha256, frameTime));
        }
        var issues = answer.Issues?.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).ToList() ?? [];
        return new WrittenSteps(blocks, issues, string.IsNullOrWhiteSpace(answer.Model) ? WriterKind : $"{WriterKind}:{answer.Model.Trim()}");
    }

    private static TesseraException Unavailable(Uri endpoint, string what, Exception? inner) =>
        new(GuidesErrorCodes.WriterUnavailable, 503, $"The writer service {endpoint} {what}.", inner);

    private static TesseraException Invalid(Uri endpoint, string what) =>
        new(GuidesErrorCodes.WriterAnswerInvalid, 502, $"The writer service {endpoint} answered wrongly: {what}.");

    public void Dispose() => _http.Dispose();
}

internal sealed record RemoteWriterQuestion(
    [property: JsonPropertyName("job_id")] Guid JobId,
    [property: JsonPropertyName("max_steps")] int MaxSteps,
    [property: JsonPropertyName("max_text_length")] int MaxTextLength,
    [property: JsonPropertyName("transcript")] IReadOnlyList<RemoteWriterSegment> Transcript,
    [property: JsonPropertyName("frames")] IReadOnlyList<RemoteWriterFrame> Frames);

internal sealed record RemoteWriterSegment(
    [property: JsonPropertyName("start")] double Start,
    [property: JsonPropertyName("end")] double End,
    [property: JsonPropertyName("text")] string Text);

internal sealed record RemoteWriterFrame(
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("time_seconds")] double TimeSeconds,
    [property: JsonPropertyName("text")] string? Text);

/// <summary>The writer service's answer: the steps in order, notes for review, and the model that wrote them (both optional).</summary>
internal sealed record RemoteWriterAnswer(
    [property: JsonPropertyName("steps")] IReadOnlyList<RemoteWriterStep?>? Steps,
    [property: JsonPropertyName("issues")] IReadOnlyList<string>? Issues = null,
    [property: JsonPropertyName("model")] string? Model = null);

internal sealed record RemoteWriterStep(
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("start")] double? Start = null,
    [property: JsonPropertyName("end")] double? End = null,
    [property: JsonPropertyName("frame_sha256")] string? FrameSha256 = null);
