namespace Tessera.Cards;

/// <summary>The stable <c>code</c>s Cards answers with; clients branch on these, so they never change once shipped.</summary>
internal static class CardsErrorCodes
{
    public const string CatalogInvalid = "CARDS_CATALOG_INVALID";
    public const string CatalogEmpty = "CARDS_CATALOG_EMPTY";
    public const string SourceUnreadable = "CARDS_SOURCE_UNREADABLE";
    public const string InvalidJobInput = "CARDS_INVALID_JOB_INPUT";
    public const string AllDownloadsFailed = "CARDS_ALL_DOWNLOADS_FAILED";
    public const string CacheEmpty = "CARDS_CACHE_EMPTY";
    public const string ImportHostNotAllowed = "CARDS_IMPORT_HOST_NOT_ALLOWED";
    public const string NothingToEmbed = "CARDS_NOTHING_TO_EMBED";
    public const string NoValidImages = "CARDS_NO_VALID_IMAGES";
    public const string NoEmbeddings = "CARDS_NO_EMBEDDINGS";
    public const string IndexMisaligned = "CARDS_INDEX_MISALIGNED";
    public const string ModelMissing = "CARDS_MODEL_MISSING";
}
