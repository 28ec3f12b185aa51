using System.Collections.Concurrent;
using Tessera.Core.Errors;
using Tessera.Core.Hashing;
using Tessera.Inference.Whisper;
using Whisper.net;

namespace Tessera.Guides.Processing.Speech;

/// <summary>
/// Loads whisper models into whisper.cpp (through Whisper.net), once per model and process. whisper.cpp aborts the
/// whole process on some malformed files instead of failing, so a file reaches it only after
/// <see cref="WhisperModelFile.Validate"/> has passed it and its sha256 still matches the one recorded at import.
/// A model that fails either check, or that whisper.cpp refuses, is a 422 <c>GUIDES_WHISPER_MODEL_INVALID</c>.
/// </summary>
internal sealed class WhisperEngine : IDisposable
{
    private readonly SemaphoreSlim _loading = new(1, 1);

    // Keyed by path and hash; a factory is never disposed while the process runs, as a job may still be using it.
    private readonly ConcurrentDictionary<string, WhisperFactory> _factories = new(StringComparer.Ordinal);

    public async Task<WhisperFactory> FactoryAsync(WhisperModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var key = model.Path + "\n" + model.Sha256;
        if (_factories.TryGetValue(key, out var loaded)) return loaded;
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_factories.TryGetValue(key, out loaded)) return loaded;
            // Off the caller's thread: validating, hashing and loading a large model take seconds.
            var factory = await Task.Run(async () =>
            {
                await CheckAsync(model, cancellationToken).ConfigureAwait(false);
                return Load(model);
            }, cancellationToken).ConfigureAwait(false);
            _factories[key] = factory;
            return factory;
        }
        finally
        {
            _loading.Release();
        }
    }

    public void Dispose()
    {
        foreach (var factory in _factories.Values) factory.Dispose();
        _factories.Clear();
        _loading.Dispose();
    }

    private static async Task CheckAsync(WhisperModel model, CancellationToken cancellationToken)
    {
        try
        {
            WhisperModelFile.Validate(model.Path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw Invalid(model, e.Message, e);
        }
        var sha256 = await Sha256Hex.OfFileAsync(model.Path, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(sha256, model.Sha256, StringComparison.OrdinalIgnoreCase))
            throw Invalid(model, $"its sha256 is {sha256}, not the {model.Sha256} recorded when it was imported: the file changed since; import it again", null);
    }

    private static WhisperFactory Load(WhisperModel model)
    {
        WhisperFactory? factory = null;
        try
        {
            factory = WhisperFactory.FromPath(model.Path, new WhisperFactoryOptions { UseGpu = false });
            // Whisper.net may defer the load to the first builder: make whisper.cpp read the file now.
            factory.CreateBuilder();
            return factory;
        }
        catch (WhisperModelLoadException e)
        {
            factory?.Dispose();
            throw Invalid(model, "whisper.cpp could not load it: " + e.Message, e);
        }
    }

    private static TesseraException Invalid(WhisperModel model, string why, Exception? inner) =>
        new(GuidesErrorCodes.WhisperModelInvalid, 422, $"The whisper model '{model.Name}' ({model.Path}) cannot be used: {why}", inner);
}
