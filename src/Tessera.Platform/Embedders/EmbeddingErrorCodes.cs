namespace Tessera.Platform.Embedders;

/// <summary>The <c>code</c>s of the embeddings API's problems.</summary>
public static class EmbeddingErrorCodes
{
    public const string ModelNotFound = "MODEL_NOT_FOUND";
    public const string WrongModality = "MODEL_WRONG_MODALITY";
    public const string TokenInputUnsupported = "TOKEN_INPUT_UNSUPPORTED";
    public const string DimensionsUnsupported = "DIMENSIONS_UNSUPPORTED";
    public const string EncodingFormatUnsupported = "ENCODING_FORMAT_UNSUPPORTED";
    public const string InvalidInput = "INVALID_INPUT";
}
