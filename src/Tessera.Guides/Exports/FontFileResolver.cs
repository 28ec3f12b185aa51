using PdfSharp.Fonts;

namespace Tessera.Guides.Exports;

/// <summary>
/// PDFsharp's font resolver, naming a font by its file: the family a PDF asks for is a TrueType file's path, so the
/// same path gives the same font in every process and no machine's installed fonts are looked at (PDFsharp has none to
/// look at on Linux). PDFsharp keeps one resolver for the whole process and refuses a second, so this one is set once,
/// by whichever export comes first; being stateless, it serves any path a setting names.
/// </summary>
internal sealed class FontFileResolver : IFontResolver
{
    private static readonly Lazy<FontFileResolver> Installed = new(() =>
    {
        var resolver = new FontFileResolver();
        GlobalFontSettings.FontResolver = resolver;
        return resolver;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void EnsureInstalled() => _ = Installed.Value;

    public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) => new(familyName);

    public byte[]? GetFont(string faceName) => File.ReadAllBytes(faceName);
}
