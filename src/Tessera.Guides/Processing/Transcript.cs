using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.Guides.Processing;

/// <summary>One recognised word, from <see cref="Start"/> to <see cref="End"/> seconds into the video.</summary>
internal sealed record TranscriptWord(
    [property: JsonPropertyName("word")] string Word,
    [property: JsonPropertyName("start")] double Start,
    [property: JsonPropertyName("end")] double End);

/// <summary>
/// One stretch of narration: from <see cref="Start"/> to <see cref="End"/> seconds into the video, with its words'
/// times when a recognizer gave them (subtitles have none).
/// </summary>
internal sealed record TranscriptSegment(
    [property: JsonPropertyName("start")] double Start,
    [property: JsonPropertyName("end")] double End,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("words"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TranscriptWord>? Words = null);

/// <summary>What was said, in order, and which recognizer produced it (e.g. <c>subtitle-stream</c>, <c>pocketsphinx</c>).</summary>
internal sealed record Transcript(
    [property: JsonPropertyName("recognizer")] string Recognizer,
    [property: JsonPropertyName("segments")] IReadOnlyList<TranscriptSegment> Segments)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static Transcript Parse(string json) => JsonSerializer.Deserialize<Transcript>(json) ?? throw new JsonException("The stored transcript is null.");
}
