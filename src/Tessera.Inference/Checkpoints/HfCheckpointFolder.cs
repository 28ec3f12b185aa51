using System.Text.Json;
using Tessera.Core.Errors;

namespace Tessera.Inference.Checkpoints;

/// <summary>
/// A Hugging Face checkpoint folder: <c>config.json</c>, <c>model.safetensors</c> and the
/// tokenizer files. Only locates and parses; the model-specific loader reads the tensors.
/// </summary>
internal sealed class HfCheckpointFolder
{
    public const string ConfigFileName = "config.json";
    public const string WeightsFileName = "model.safetensors";

    private HfCheckpointFolder(string directory, JsonElement config)
    {
        Directory = directory;
        Config = config;
    }

    public string Directory { get; }

    /// <summary>The parsed <c>config.json</c> (a detached clone, safe to keep).</summary>
    public JsonElement Config { get; }

    public string WeightsPath => Path.Combine(Directory, WeightsFileName);

    public static HfCheckpointFolder Open(string directory)
    {
        var fullPath = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(fullPath)) throw TesseraException.Validation($"Model folder not found: {fullPath}");
        var configPath = Path.Combine(fullPath, ConfigFileName);
        if (!File.Exists(configPath)) throw TesseraException.Validation($"Model folder {fullPath} has no {ConfigFileName}.");
        if (!File.Exists(Path.Combine(fullPath, WeightsFileName)))
            throw TesseraException.Validation($"Model folder {fullPath} has no {WeightsFileName} (only safetensors checkpoints can be loaded; convert pytorch_model.bin first).");
        JsonElement config;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(configPath));
            config = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw TesseraException.Validation($"{configPath} is not valid JSON: {e.Message}");
        }
        if (config.ValueKind != JsonValueKind.Object) throw TesseraException.Validation($"{configPath} is not a JSON object.");
        return new HfCheckpointFolder(fullPath, config);
    }

    /// <summary>The path of a tokenizer file, or null when the folder does not carry it.</summary>
    public string? OptionalFile(string fileName)
    {
        var path = Path.Combine(Directory, fileName);
        return File.Exists(path) ? path : null;
    }

    public string ModelType => Config.TryGetProperty("model_type", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    public IReadOnlyList<string> Architectures =>
        Config.TryGetProperty("architectures", out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).ToArray()
            : [];

    public int RequiredInt(string name) =>
        Config.TryGetProperty(name, out var value) && value.TryGetInt32(out var number)
            ? number
            : throw TesseraException.Validation($"{ConfigFileName} in {Directory} lacks the integer '{name}'.");

    public double Double(string name, double fallback) =>
        Config.TryGetProperty(name, out var value) && value.TryGetDouble(out var number) ? number : fallback;

    public bool Bool(string name, bool fallback) =>
        Config.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;

    public string? String(string name) =>
        Config.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
