using Microsoft.Extensions.Configuration;
using Tessera.Core.Errors;
using Tessera.Core.Hashing;
using Tessera.Inference.Whisper;

namespace Tessera.Guides.Processing.Speech;

/// <summary>An installed whisper model: its import name, file and sha256.</summary>
internal sealed record WhisperModel(string Name, string Path, string Sha256);

/// <summary>
/// Finds the whisper model the worker uses in <c>&lt;data_dir&gt;/models/whisper</c>, where <c>tessera models
/// import-whisper</c> puts them: the one <c>guides:whisper_model</c> names, or else the only one installed.
/// </summary>
internal sealed class WhisperModels(IConfiguration configuration, GuidesSettings settings)
{
    // The platform's data dir key (TesseraSettings.DataDirKey, which this module does not reference).
    private const string DataDirKey = "data_dir";

    private readonly WhisperModelStore? _store = configuration[DataDirKey] is { Length: > 0 } dataDir ? WhisperModelStore.ForDataDir(System.IO.Path.GetFullPath(dataDir)) : null;

    /// <summary>The model to use; null when none is installed and none is named (so <c>auto</c> falls back to pocketsphinx).</summary>
    public async Task<WhisperModel?> FindAsync(CancellationToken cancellationToken)
    {
        var names = _store?.Names() ?? [];
        var folder = _store?.Folder ?? "<data_dir>/models/whisper";
        string name;
        if (!string.IsNullOrEmpty(settings.WhisperModel))
        {
            if (!names.Contains(settings.WhisperModel, StringComparer.Ordinal))
                throw Missing($"guides:whisper_model is '{settings.WhisperModel}', but {folder} holds no such model ({Installed(names)}); import it with 'tessera models import-whisper FILE --name {settings.WhisperModel}'.");
            name = settings.WhisperModel;
        }
        else if (names.Count == 0)
        {
            return null;
        }
        else if (names.Count > 1)
        {
            throw Missing($"{folder} holds {names.Count} whisper models ({Installed(names)}) and guides:whisper_model names none of them: set it to the one to use.");
        }
        else
        {
            name = names[0];
        }
        var path = _store!.PathOf(name);
        // A model copied in by hand has no record of its hash: it is hashed here, once per job.
        var sha256 = _store.RecordedSha256(name) ?? await Sha256Hex.OfFileAsync(path, cancellationToken).ConfigureAwait(false);
        return new WhisperModel(name, path, sha256);
    }

    /// <summary>Where models are looked for, for messages.</summary>
    public string Folder => _store?.Folder ?? "<data_dir>/models/whisper";

    private static string Installed(IReadOnlyList<string> names) => names.Count == 0 ? "none is installed" : "installed: " + string.Join(", ", names);

    private static TesseraException Missing(string message) => new(GuidesErrorCodes.WhisperModelMissing, 422, message);
}
