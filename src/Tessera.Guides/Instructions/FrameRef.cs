using System.Text.Json.Nodes;

namespace Tessera.Guides.Instructions;

/// <summary>A frame of the video the writer may pin to a step, with the text tesseract read on it (null: not read).</summary>
internal sealed record FrameRef(double TimeSeconds, string Sha256, string? Text = null)
{
    /// <summary>The frames a job's artifacts list (the media stage's <c>frames</c>).</summary>
    public static IReadOnlyList<FrameRef> FromArtifacts(string? artifacts)
    {
        if ((artifacts is null ? null : JsonNode.Parse(artifacts))?["frames"] is not JsonArray list) return [];
        var frames = new List<FrameRef>(list.Count);
        foreach (var frame in list)
            if (frame?["sha256"] is JsonValue sha && sha.TryGetValue<string>(out var sha256))
                frames.Add(new FrameRef(frame["time_seconds"] is JsonValue t && t.TryGetValue<double>(out var seconds) ? seconds : 0, sha256,
                    frame["text"] is JsonValue text && text.TryGetValue<string>(out var read) ? read : null));
        return frames;
    }
}
