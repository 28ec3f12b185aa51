using Tessera.Core.Errors;

namespace Tessera.Guides.Processing.Speech;

/// <summary>
/// Picks the recognizer <c>guides:recognizer</c> names for a video without subtitles. <c>auto</c> (the default)
/// prefers whisper when a model is installed (the best of them that needs no service), else pocketsphinx.
/// </summary>
internal sealed class RecognizerChoice(IEnumerable<ISpeechRecognizer> recognizers, WhisperModels whisperModels, WhisperEngine whisper, GuidesSettings settings)
{
    public const string Auto = "auto";

    public async Task<ISpeechRecognizer> PickAsync(CancellationToken cancellationToken)
    {
        if (settings.Recognizer is not (Auto or WhisperRecognizer.RecognizerName)) return Named(settings.Recognizer);
        var model = await whisperModels.FindAsync(cancellationToken).ConfigureAwait(false);
        if (model is not null) return new WhisperRecognizer(model, whisper, settings);
        if (settings.Recognizer == Auto) return Named(PocketsphinxRecognizer.RecognizerName);
        throw new TesseraException(GuidesErrorCodes.WhisperModelMissing, 422,
            $"guides:recognizer is whisper, but no whisper model is installed in {whisperModels.Folder}: import one with 'tessera models import-whisper FILE'.");
    }

    private ISpeechRecognizer Named(string name) => recognizers.Single(r => r.Name.Split(':')[0] == name);
}
