using System.Text;
using Tessera.Core.Errors;

namespace Tessera.Omics.Parsing;

/// <summary>
/// Reads lines without ever holding more than the line limit, so a file with one enormous line is refused
/// instead of buffered. Decoding is strict UTF-8: invalid bytes or NUL characters mean the file is not text.
/// </summary>
internal sealed class BoundedLineReader(Stream stream, int maxLineLength) : IDisposable
{
    private readonly StreamReader _reader = new(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    private readonly StringBuilder _line = new();
    private readonly char[] _buffer = new char[1 << 14];
    private int _position;
    private int _length;

    public int LineNumber { get; private set; }

    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.Clear();
        while (true)
        {
            if (_position == _length)
            {
                try
                {
                    _length = await _reader.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                }
                catch (DecoderFallbackException)
                {
                    throw NotText();
                }
                _position = 0;
                if (_length == 0)
                {
                    if (_line.Length == 0) return null;
                    LineNumber++;
                    return _line.ToString();
                }
            }
            var span = _buffer.AsSpan(_position, _length - _position);
            if (span.Contains('\0')) throw NotText();
            var newline = span.IndexOf('\n');
            var take = newline < 0 ? span : span[..newline];
            if (_line.Length + take.Length > maxLineLength)
                throw OmicsLimits.Exceeded(ParseLimits.MaxLineLengthSetting, maxLineLength, $"Line {LineNumber + 1} is longer than {maxLineLength} characters");
            _line.Append(take);
            _position += take.Length;
            if (newline >= 0)
            {
                _position++;
                LineNumber++;
                if (_line.Length > 0 && _line[^1] == '\r') _line.Length--;
                return _line.ToString();
            }
        }
    }

    public void Dispose() => _reader.Dispose();

    private static TesseraException NotText() =>
        new(ErrorCodes.ValidationFailed, 422, "The file is not text: it contains bytes that are not UTF-8 (binary data?). Upload FASTA, CSV or TSV.");
}
