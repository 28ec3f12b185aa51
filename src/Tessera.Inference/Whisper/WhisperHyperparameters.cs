namespace Tessera.Inference.Whisper;

/// <summary>The dimensions a whisper.cpp ggml file starts with, in the file's order.</summary>
internal sealed record WhisperHyperparameters(
    int Vocabulary, int AudioContext, int AudioState, int AudioHeads, int AudioLayers,
    int TextContext, int TextState, int TextHeads, int TextLayers, int Mels, int FileType)
{
    /// <summary>Whisper's sizes, by encoder depth (as whisper.cpp names them); other depths (distilled models) are "custom".</summary>
    public string Size => AudioLayers switch
    {
        4 => "tiny",
        6 => "base",
        12 => "small",
        24 => "medium",
        32 => "large",
        _ => "custom",
    };

    public bool Multilingual => Vocabulary >= 51865;
}
