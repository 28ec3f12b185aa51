using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Tessera.Traces.Points;

/// <summary>
/// The map's points as one compact binary body (<c>application/vnd.tessera.traces-points</c>, layout 1). All numbers
/// are little-endian; every column starts on a 4-byte boundary so the page reads it as a typed array without copying.
/// <code>
/// offset       size   field
/// 0            4      magic "TRPT"
/// 4            2      layout version (1)
/// 6            2      header size in bytes (64)
/// 8            4      n, the point count (uint32)
/// 12           4      projection version of the points (int32; 0 when there is no map yet)
/// 16           16     bounds: min x, max x, min y, max y (float32 each; all 0 when n = 0)
/// 32           8      seq base (float64): each point's record seq is base + its seq offset
/// 40           4      dictionary size in bytes (uint32)
/// 44           20     reserved, zero
/// 64           4n     x (float32)
/// 64 + 4n      4n     y (float32)
/// 64 + 8n      2n     type index (uint16) into dictionary.types
/// 64 + 10n     2n     source index (uint16) into dictionary.sources
/// 64 + 12n     4n     run index (uint32) into dictionary.runs (a run is one file of one source)
/// 64 + 16n     4n     seq offset (uint32), ascending: seq = base + offset (GET /map/points/{seq} reads the record)
/// 64 + 20n     d      dictionary, UTF-8 JSON: {"types":[str],"sources":[{"id":uuid,"name":str}],"runs":[{"source":int,"file_path":str}]}
/// </code>
/// </summary>
internal sealed class TracesPointsPayload
{
    public const string ContentType = "application/vnd.tessera.traces-points";
    public const int HeaderBytes = 64;
    public const ushort LayoutVersion = 1;

    private static readonly JsonSerializerOptions DictionaryJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly List<float> _x = [];
    private readonly List<float> _y = [];
    private readonly List<ushort> _type = [];
    private readonly List<ushort> _source = [];
    private readonly List<uint> _run = [];
    private readonly List<long> _seq = [];
    private readonly Dictionary<string, ushort> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, ushort> _sources = [];
    private readonly Dictionary<(ushort, string), uint> _runs = [];
    private readonly List<SourceEntry> _sourceEntries = [];
    private readonly List<RunEntry> _runEntries = [];
    private readonly IReadOnlyDictionary<Guid, string> _sourceNames;
    private int _version;

    public TracesPointsPayload(IReadOnlyDictionary<Guid, string> sourceNames) => _sourceNames = sourceNames;

    public int Count => _x.Count;

    /// <summary>Adds a point; points must come in ascending seq order.</summary>
    public void Add(long seq, double x, double y, int version, string type, Guid sourceId, string filePath)
    {
        if (_seq.Count > 0 && seq <= _seq[^1]) throw new InvalidOperationException("Points must be added in ascending seq order.");
        if (_seq.Count > 0 && seq - _seq[0] > uint.MaxValue) throw new InvalidOperationException("The map's record seqs span more than 2^32.");
        var source = Index(_sources, sourceId, () => _sourceEntries.Add(new SourceEntry(sourceId, _sourceNames.GetValueOrDefault(sourceId, ""))));
        _x.Add((float)x);
        _y.Add((float)y);
        _type.Add(Index(_types, type, () => { }));
        _source.Add(source);
        _run.Add(RunIndex(source, filePath));
        _seq.Add(seq);
        _version = Math.Max(_version, version);
    }

    public byte[] ToBytes()
    {
        var n = Count;
        var dictionary = JsonSerializer.SerializeToUtf8Bytes(new PointDictionary(_types.OrderBy(t => t.Value).Select(t => t.Key).ToList(), _sourceEntries, _runEntries), DictionaryJson);
        var bytes = new byte[HeaderBytes + 20 * n + dictionary.Length];
        var span = bytes.AsSpan();
        Encoding.ASCII.GetBytes("TRPT", span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], LayoutVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], HeaderBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)n);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], _version);
        if (n > 0)
        {
            BinaryPrimitives.WriteSingleLittleEndian(span[16..], _x.Min());
            BinaryPrimitives.WriteSingleLittleEndian(span[20..], _x.Max());
            BinaryPrimitives.WriteSingleLittleEndian(span[24..], _y.Min());
            BinaryPrimitives.WriteSingleLittleEndian(span[28..], _y.Max());
            BinaryPrimitives.WriteDoubleLittleEndian(span[32..], _seq[0]);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)dictionary.Length);
        var at = HeaderBytes;
        for (var i = 0; i < n; i++) BinaryPrimitives.WriteSingleLittleEndian(span[(at + 4 * i)..], _x[i]);
        at += 4 * n;
        for (var i = 0; i < n; i++) BinaryPrimitives.WriteSingleLittleEndian(span[(at + 4 * i)..], _y[i]);
        at += 4 * n;
        for (var i = 0; i < n; i++) BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 2 * i)..], _type[i]);
        at += 2 * n;
        for (var i = 0; i < n; i++) BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 2 * i)..], _source[i]);
        at += 2 * n;
        for (var i = 0; i < n; i++) BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 4 * i)..], _run[i]);
        at += 4 * n;
        for (var i = 0; i < n; i++) BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 4 * i)..], (uint)(_seq[i] - _seq[0]));
        at += 4 * n;
        dictionary.CopyTo(span[at..]);
        return bytes;
    }

    private uint RunIndex(ushort source, string filePath)
    {
        if (_runs.TryGetValue((source, filePath), out var index)) return index;
        index = (uint)_runEntries.Count;
        _runs.Add((source, filePath), index);
        _runEntries.Add(new RunEntry(source, filePath));
        return index;
    }

    private static ushort Index<TKey>(Dictionary<TKey, ushort> known, TKey key, Action added) where TKey : notnull
    {
        if (known.TryGetValue(key, out var index)) return index;
        // More than 65,535 distinct types or sources in one organization is not a map anyone reads; refuse loudly.
        if (known.Count == ushort.MaxValue) throw new InvalidOperationException("Too many distinct categories for the points layout.");
        index = (ushort)known.Count;
        known.Add(key, index);
        added();
        return index;
    }

    private sealed record PointDictionary(IReadOnlyList<string> Types, IReadOnlyList<SourceEntry> Sources, IReadOnlyList<RunEntry> Runs);

    private sealed record SourceEntry(Guid Id, string Name);

    private sealed record RunEntry(int Source, string FilePath);
}
