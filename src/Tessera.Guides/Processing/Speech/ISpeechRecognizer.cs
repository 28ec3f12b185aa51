namespace Tessera.Guides.Processing.Speech;

/// <summary>
/// Turns a narration (16 kHz mono 16-bit WAV) into timed segments. <see cref="Name"/> is what the transcript records
/// as its recognizer. A failure the audio causes is a 4xx <see cref="Core.Errors.TesseraException"/>; one retrying may
/// mend (the tool or service away) a 5xx.
/// </summary>
internal interface ISpeechRecognizer
{
    string Name { get; }

    Task<IReadOnlyList<TranscriptSegment>> RecognizeAsync(string wavPath, string scratch, CancellationToken cancellationToken);
}
