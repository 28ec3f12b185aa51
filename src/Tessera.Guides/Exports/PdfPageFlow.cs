using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Tessera.Guides.Exports;

/// <summary>
/// Content flowing down A4 pages of a PDF between 2 cm margins: each piece is placed below the last, and one that does
/// not fit in what is left of a page starts the next page.
/// </summary>
internal sealed class PdfPageFlow(PdfDocument document) : IDisposable
{
    public const double Margin = 56.7;

    private XGraphics? _graphics;
    private double _y;

    public double Width => Graphics.PageSize.Width - 2 * Margin;

    public double Height => Graphics.PageSize.Height - 2 * Margin;

    public XGraphics Graphics => _graphics ?? NewPage();

    /// <summary>Starts a new page unless <paramref name="height"/> points fit in what is left of this one (or it is still empty).</summary>
    public void Reserve(double height)
    {
        // What is taller than a page goes at the top of one and runs off it, rather than pushing on for ever.
        if (_y + height > Graphics.PageSize.Height - Margin && _y > Margin) NewPage();
    }

    /// <summary>Where the next piece of <paramref name="height"/> points goes (its top): below the last, or on a new page.</summary>
    public double Place(double height)
    {
        Reserve(height);
        var top = _y;
        _y += height;
        return top;
    }

    public void Skip(double height) => _y += height;

    public void Dispose() => _graphics?.Dispose();

    private XGraphics NewPage()
    {
        _graphics?.Dispose();
        var page = document.AddPage();
        page.Size = PageSize.A4;
        _graphics = XGraphics.FromPdfPage(page);
        _y = Margin;
        return _graphics;
    }
}
