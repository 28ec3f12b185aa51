using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Core.Errors;

namespace Tessera.Guides.Processing.Speech;

/// <summary>
/// A speech-to-text service with the OpenAI transcription API (<c>POST {guides:asr_url}/audio/transcriptions</c>,
/// multipart, <c>response_format=verbose_json</c> with segment and word timestamps): OpenAI itself, or a
/// self-hosted Whisper server (faster-whisper-server, LocalAI, vLLM) on a GPU box. A refusal (4xx) fails the
/// transcript with the service's words; no answer, a timeout or a 5xx is a 503 the job engine retries.
/// </summary>
internal sealed class RemoteSpeechRecognizer : ISpeechRecognizer, IDisposable
{
    public const string RecognizerName = "remote";

    private readonly GuidesSettings _settings;
    private readonly HttpClient _http;

    public RemoteSpeechRecognizer(GuidesSettings settings)
    {
        _settings = settings;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(settings.AsrTimeoutSeconds),
        };
    }

    public string Name => $"{RecognizerName}:{_settings.AsrModel}";

    public async Task<IReadOnlyList<TranscriptSegment>> RecognizeAsync(string wavPath, string scratch, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(_settings.AsrUrl!.TrimEnd('/') + "/audio/transcriptions");
        using var form = new MultipartFormDataContent();
        await using var audio = File.OpenRead(wavPath);
        var file = new StreamContent(audio);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "file", "narration.wav");
        form.Add(new StringContent(_settings.AsrModel), "model");
        form.Add(new StringContent("verbose_json"), "response_format");
        form.Add(new StringContent("segment"), "timestamp_granularities[]");
        form.Add(new StringContent("word"), "timestamp_granularities[]");
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = form };
        if (!string.IsNullOrEmpty(_settings.AsrApiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _settings.AsrApiKey);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw Unavailable(endpoint, e is TaskCanceledException ? $"did not answer within {_settings.AsrTimeoutSeconds} s (guides:asr_timeout_seconds)" : e.Message, e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var excerpt = body[..Math.Min(body.Length, 300)];
            // A 5xx, a rate limit or a timeout may pass; a refused key, a wrong URL or a too-large upload is the
            // deployment's to mend, not the video's: all are the service being unavailable, retried, then reported.
            if ((int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
                or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.RequestEntityTooLarge)
                throw Unavailable(endpoint, $"answered {(int)response.StatusCode}: {excerpt}", null);
            if (!response.IsSuccessStatusCode)
                throw new TesseraException(GuidesErrorCodes.TranscriptUnavailable, 422, $"The speech service {endpoint} refused the audio ({(int)response.StatusCode}): {excerpt}");
            VerboseTranscription? answer;
            try
            {
                answer = JsonSerializer.Deserialize<VerboseTranscription>(body);
            }
            catch (JsonException e)
            {
                throw Unavailable(endpoint, $"answered something that is not a verbose_json transcription: {e.Message}", e);
            }
            return Segments(answer ?? throw Unavailable(endpoint, "answered null", null));
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The service's segments, each with the words that start inside it (a service that sent no segments: one segment of its text).</summary>
    internal static IReadOnlyList<TranscriptSegment> Segments(VerboseTranscription answer)
    {
        var words = (answer.Words ?? []).Where(w => !string.IsNullOrWhiteSpace(w.Word)).Select(w => new TranscriptWord(w.Word.Trim(), Math.Round(w.Start, 3), Math.Round(w.End, 3))).ToList();
        var segments = (answer.Segments ?? []).Where(s => !string.IsNullOrWhiteSpace(s.Text)).ToList();
        if (segments.Count == 0)
            return string.IsNullOrWhiteSpace(answer.Text) ? [] : [new TranscriptSegment(0, Math.Round(answer.Duration, 3), answer.Text.Trim(), words.Count > 0 ? words : null)];
        return segments.Select(s =>
        {
            var inside = words.Where(w => w.Start >= s.Start && w.Start < s.End).ToList();
            return new TranscriptSegment(Math.Round(s.Start, 3), Math.Round(s.End, 3), s.Text!.Trim(), inside.Count > 0 ? inside : null);
        }).ToList();
    }

    private static TesseraException Unavailable(Uri endpoint, string what, Exception? inner) =>
        new(GuidesErrorCodes.RecognizerUnavailable, 503, $"The speech service {endpoint} {what}.", inner);

    internal sealed record VerboseTranscription(
        [property: JsonPropertyName("text")] string? Text,
        [property: JsonPropertyName("duration")] double Duration,
        [property: JsonPropertyName("segments")] IReadOnlyList<VerboseSegment>? Segments,
        [property: JsonPropertyName("words")] IReadOnlyList<VerboseWord>? Words);

    internal sealed record VerboseSegment(
        [property: JsonPropertyName("start")] double Start, [property: JsonPropertyName("end")] double End, [property: JsonPropertyName("text")] string? Text);

    internal sealed record VerboseWord(
        [property: JsonPropertyName("word")] string Word, [property: JsonPropertyName("start")] double Start, [property: JsonPropertyName("end")] double End);
}
