using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Tessera.Core;
using Tessera.Core.Errors;

namespace Tessera.Inference.Whisper;

/// <summary>An installed model: <c>NAME.bin</c> in the store's folder, with the sha256 recorded when it was imported.</summary>
internal sealed record InstalledWhisperModel(string Name, string Path, string Sha256, WhisperModelSummary Summary);

/// <summary>
/// The whisper.cpp models of a deployment, in <c>&lt;data_dir&gt;/models/whisper</c> (beside the imported BERT models):
/// <c>NAME.bin</c>, each with <c>NAME.sha256</c> (<c>sha256sum</c>'s format). <c>tessera models import-whisper</c> puts
/// them there and the Guides worker reads them. A model is validated before it is copied, and the copy again
/// before it is renamed into place, so a file here has passed <see cref="WhisperModelFile.Validate"/>.
/// </summary>
internal sealed partial class WhisperModelStore(string folder)
{
    public const string ModelExtension = ".bin";
    public const string HashExtension = ".sha256";

    public string Folder { get; } = Path.GetFullPath(folder);

    public static WhisperModelStore ForDataDir(string dataDir) => new(Path.Combine(dataDir, "models", "whisper"));

    /// <summary>The installed models' names, in order.</summary>
    public IReadOnlyList<string> Names() => Directory.Exists(Folder)
        ? [.. Directory.EnumerateFiles(Folder, "*" + ModelExtension).Select(f => Path.GetFileNameWithoutExtension(f)).Where(n => ValidName().IsMatch(n)).Order(StringComparer.Ordinal)]
        : [];

    public string PathOf(string name) => Path.Combine(Folder, name + ModelExtension);

    /// <summary>The sha256 recorded at import, or null when the record is missing or unreadable.</summary>
    public string? RecordedSha256(string name)
    {
        var record = Path.Combine(Folder, name + HashExtension);
        if (!File.Exists(record)) return null;
        var hash = File.ReadAllText(record).Split(' ', 2)[0].Trim();
        return hash.Length == 64 && hash.All(Uri.IsHexDigit) ? hash : null;
    }

    /// <summary>
    /// Validates <paramref name="source"/> and copies it in as <paramref name="name"/> (default: the file's name
    /// without its extension): to a temporary file, flushed to disk and validated again, then renamed into place.
    /// A refused file leaves nothing behind.
    /// </summary>
    public InstalledWhisperModel Import(string source, string? name)
    {
        ArgumentNullException.ThrowIfNull(source);
        name ??= Path.GetFileNameWithoutExtension(source);
        if (!ValidName().IsMatch(name))
            throw TesseraException.Validation($"'{name}' is no model name: use 1 to 64 letters, digits, '.', '-' or '_', starting with a letter or digit (--name).");
        if (!File.Exists(source)) throw TesseraException.Validation($"{source} does not exist.");
        Validated(source);
        var target = PathOf(name);
        if (File.Exists(target)) throw TesseraException.Validation($"A whisper model named '{name}' is already installed ({target}); remove it first or choose another --name.");
        var temp = AtomicFile.TempPathFor(target);
        var record = Path.Combine(Folder, name + HashExtension);
        var recordTemp = AtomicFile.TempPathFor(record);
        var recordOwned = false;
        try
        {
            string sha256;
            using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            using (var output = new FileStream(temp, PrivateFiles.CreateNew(1 << 20)))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 20];
                int read;
                while ((read = input.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    output.Write(buffer, 0, read);
                }
                output.Flush(flushToDisk: true);
                sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            // The source may have changed while it was copied: what is renamed into place is what was checked.
            var summary = Validated(temp);
            // The record is put in place first and never over another's: of two imports of one name, the one that
            // fails leaves the other's record and model as they are.
            using (var stream = new FileStream(recordTemp, PrivateFiles.CreateNew(4096)))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes($"{sha256}  {name}{ModelExtension}\n"));
                stream.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(recordTemp, record, overwrite: false);
            }
            catch (IOException) when (File.Exists(record))
            {
                throw TesseraException.Validation($"A whisper model named '{name}' is already installed or being installed ({target}); remove it first or choose another --name.");
            }
            recordOwned = true;
            File.Move(temp, target, overwrite: false);
            return new InstalledWhisperModel(name, target, sha256, summary);
        }
        catch
        {
            File.Delete(temp);
            File.Delete(recordTemp);
            if (recordOwned && !File.Exists(target)) File.Delete(record);
            throw;
        }
    }

    private static WhisperModelSummary Validated(string path)
    {
        try
        {
            return WhisperModelFile.Validate(path);
        }
        catch (InvalidDataException e)
        {
            throw TesseraException.Validation(e.Message);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ValidName();
}
