using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tessera.Core.Errors;

namespace Tessera.Guides.Anchors;

/// <summary>One drawing operation on a screenshot, in its pixels (origin top left).</summary>
internal abstract record AnnotationOp(string Type, string Color)
{
    /// <summary>The operation with every default filled in, numbers as drawn: what <see cref="AnnotationOps.Hash"/> covers.</summary>
    public abstract JsonObject Canonical();

    protected JsonObject Head() => new() { ["type"] = Type, ["color"] = Color };
}

internal sealed record ArrowOp(float X1, float Y1, float X2, float Y2, string Color, float Width) : AnnotationOp("arrow", Color)
{
    public override JsonObject Canonical()
    {
        var o = Head();
        o["from"] = new JsonArray(X1, Y1);
        o["to"] = new JsonArray(X2, Y2);
        o["width"] = Width;
        return o;
    }
}

/// <summary>A rectangle's outline (<c>box</c>), a translucent fill (<c>highlight</c>) or a blur that hides what is under it (<c>blur</c>, redaction).</summary>
internal sealed record RectOp(string Kind, float X, float Y, float W, float H, string Color, float Width, float Opacity, float Radius) : AnnotationOp(Kind, Color)
{
    public override JsonObject Canonical()
    {
        var o = Head();
        o["rect"] = new JsonArray(X, Y, W, H);
        if (Kind == "box") o["width"] = Width;
        if (Kind == "highlight") o["opacity"] = Opacity;
        if (Kind == "blur") o["radius"] = Radius;
        return o;
    }
}

internal sealed record TextOp(float X, float Y, string Text, string Color, float Size) : AnnotationOp("text", Color)
{
    public override JsonObject Canonical()
    {
        var o = Head();
        o["at"] = new JsonArray(X, Y);
        o["text"] = Text;
        o["size"] = Size;
        return o;
    }
}

/// <summary>
/// The operation log an annotation sends, read and checked against the screenshot's size: each operation's type
/// (arrow, box, highlight, blur, text) and its fields, coordinates inside the image, colours as <c>#rrggbb</c>, sizes
/// in range. Every problem is reported at once, by index (422 <c>ANNOTATION_INVALID</c>); nothing is drawn unless
/// all are right. <see cref="Hash"/> is the SHA-256 of the canonical log, so the same drawing has the same hash.
/// </summary>
internal static partial class AnnotationOps
{
    public const int MaxOps = 100;
    public const int MaxText = 200;

    private static readonly string[] Types = ["arrow", "box", "highlight", "blur", "text"];

    public static IReadOnlyList<AnnotationOp> Parse(JsonNode? ops, int width, int height)
    {
        if (ops is not JsonArray list || list.Count == 0 || list.Count > MaxOps)
            throw Invalid([$"ops must be a list of 1 to {MaxOps} operations."]);
        var problems = new List<string>();
        var parsed = new List<AnnotationOp>();
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"ops[{i}]";
            if (list[i] is not JsonObject op || op["type"]?.GetValueKind() != System.Text.Json.JsonValueKind.String || !Types.Contains(op["type"]!.GetValue<string>()))
            {
                problems.Add($"{at}.type must be one of {string.Join(", ", Types)}.");
                continue;
            }
            var reader = new Reader(op, at, width, height, problems);
            var type = op["type"]!.GetValue<string>();
            if (Read(type, reader) is { } read) parsed.Add(read);
        }
        if (problems.Count > 0) throw Invalid(problems);
        return parsed;
    }

    // Every field is read (and each problem noted) before the operation is made, so one request reports them all.
    private static AnnotationOp? Read(string type, Reader reader)
    {
        switch (type)
        {
            case "arrow":
            {
                var (from, to) = (reader.Point("from"), reader.Point("to"));
                var (color, width) = (reader.Color("#e11d48"), reader.Number("width", 4, 1, 40));
                return from is { } f && to is { } t ? new ArrowOp(f.X, f.Y, t.X, t.Y, color, width) : null;
            }
            case "text":
            {
                var (at, text) = (reader.Point("at"), reader.Text());
                var (color, size) = (reader.Color("#111111"), reader.Number("size", 20, 6, 200));
                return at is { } p && text is not null ? new TextOp(p.X, p.Y, text, color, size) : null;
            }
            default:
            {
                var rect = reader.Rect();
                var color = reader.Color(type == "highlight" ? "#facc15" : "#e11d48");
                var (width, opacity, radius) = (reader.Number("width", 4, 1, 40), reader.Number("opacity", 0.35f, 0.05f, 1), reader.Number("radius", 12, 1, 100));
                return rect is { } r ? new RectOp(type, r.X, r.Y, r.W, r.H, color, width, opacity, radius) : null;
            }
        }
    }

    /// <summary>The canonical log: each operation with its defaults, in order.</summary>
    public static string Canonical(IReadOnlyList<AnnotationOp> ops) => new JsonArray([.. ops.Select(o => (JsonNode)o.Canonical())]).ToJsonString();

    /// <summary>The hash of drawing <paramref name="ops"/> on the screenshot <paramref name="sourceSha256"/>.</summary>
    public static string Hash(string sourceSha256, IReadOnlyList<AnnotationOp> ops) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"guides-annotation/1\n{sourceSha256}\n{Canonical(ops)}")));

    private static TesseraException Invalid(IReadOnlyList<string> problems) =>
        new(GuidesErrorCodes.AnnotationInvalid, 422, "The annotation's operations are not valid: " + string.Join(" ", problems))
        {
            Extensions = { ["errors"] = problems.ToArray() },
        };

    [GeneratedRegex(@"^#[0-9a-fA-F]{6}\z")]
    private static partial Regex HexColor();

    private sealed class Reader(JsonObject op, string at, int width, int height, List<string> problems)
    {
        public (float X, float Y)? Point(string name)
        {
            if (Numbers(name, 2) is not { } xy) return null;
            if (xy[0] < 0 || xy[0] > width || xy[1] < 0 || xy[1] > height)
            {
                problems.Add($"{at}.{name} must lie inside the {width}×{height} screenshot.");
                return null;
            }
            return (xy[0], xy[1]);
        }

        public (float X, float Y, float W, float H)? Rect()
        {
            if (Numbers("rect", 4) is not { } r) return null;
            if (r[2] < 1 || r[3] < 1 || r[0] < 0 || r[1] < 0 || r[0] + r[2] > width || r[1] + r[3] > height)
            {
                problems.Add($"{at}.rect must be [x, y, width, height] of at least 1×1 inside the {width}×{height} screenshot.");
                return null;
            }
            return (r[0], r[1], r[2], r[3]);
        }

        public string? Text()
        {
            var text = op["text"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? op["text"]!.GetValue<string>().Trim() : null;
            if (string.IsNullOrEmpty(text) || text.Length > MaxText || text.Any(char.IsControl))
            {
                problems.Add($"{at}.text must be 1 to {MaxText} characters on one line.");
                return null;
            }
            return text;
        }

        public string Color(string fallback)
        {
            if (op["color"] is null) return fallback;
            if (op["color"]!.GetValueKind() == System.Text.Json.JsonValueKind.String && HexColor().IsMatch(op["color"]!.GetValue<string>()))
                return op["color"]!.GetValue<string>().ToLowerInvariant();
            problems.Add($"{at}.color must be #rrggbb.");
            return fallback;
        }

        public float Number(string name, float fallback, float min, float max)
        {
            if (op[name] is null) return fallback;
            if (op[name]!.GetValueKind() == System.Text.Json.JsonValueKind.Number && op[name]!.GetValue<double>() is var v && v >= min && v <= max) return Round(v);
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{at}.{name} must be a number from {min} to {max}."));
            return fallback;
        }

        private float[]? Numbers(string name, int count)
        {
            if (op[name] is JsonArray values && values.Count == count && values.All(v => v?.GetValueKind() == System.Text.Json.JsonValueKind.Number))
                return [.. values.Select(v => Round(v!.GetValue<double>()))];
            problems.Add($"{at}.{name} must be a list of {count} numbers.");
            return null;
        }

        // Two decimals: finer than a pixel, and the same drawing hashes the same however its numbers were written.
        private static float Round(double value) => (float)Math.Round(value, 2);
    }
}
