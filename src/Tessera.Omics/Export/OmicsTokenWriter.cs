using System.Globalization;
using System.Text;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tessera.Core.Json;
using Tessera.Core.Numerics;

namespace Tessera.Omics.Export;

/// <summary>
/// Writes a run's export as the canonical "OmicsToken v1" JSON document (streamed: peptides are written as they
/// come, so a large run is never held as one string), or as CSV or a float32 <c>.npy</c> matrix.
/// </summary>
internal static class OmicsTokenWriter
{
    public const string FormatName = "OmicsToken";
    public const string FormatVersion = "1";

    public static async Task WriteJsonAsync(Stream output, ExportHeader header, IAsyncEnumerable<ExportPeptide> peptides, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(peptides);
        await using var json = new Utf8JsonWriter(output);
        using var hash = new ContentHash();
        json.WriteStartObject();
        json.WriteString("format", FormatName);
        json.WriteString("version", FormatVersion);
        json.WriteString("created_at", UtcTimestamp.Format(header.CreatedAt));
        json.WriteStartObject("run");
        json.WriteString("id", header.Run.Id);
        json.WriteString("name", header.Run.Name);
        json.WriteString("file_name", header.Run.FileName);
        json.WriteString("file_sha256", header.Run.FileSha256);
        json.WriteNumber("record_count", header.Run.RecordCount);
        json.WriteNumber("peptide_count", header.Run.PeptideCount);
        json.WriteEndObject();
        json.WriteStartObject("embedder");
        json.WriteString("name", header.Embedder.Name);
        json.WriteNumber("dimension", header.Embedder.Dimension);
        json.WriteString("model_hash", header.Embedder.ModelHash);
        json.WriteString("pooling", header.Pooling);
        json.WriteString("truncation", header.TruncationPolicy);
        json.WriteEndObject();
        json.WriteStartArray("peptides");
        var count = 0;
        await foreach (var item in peptides.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var p = item.Peptide;
            json.WriteStartObject();
            json.WriteString("id", item.Id);
            json.WriteString("sequence", p.Sequence);
            json.WriteStartObject("features");
            json.WriteNumber("length", p.Length);
            json.WriteNumber("molecular_weight", p.MolecularWeight);
            json.WriteNumber("net_charge_ph7", p.NetChargePh7);
            json.WriteNumber("isoelectric_point", p.IsoelectricPoint);
            json.WriteNumber("gravy", p.Gravy);
            json.WriteNumber("aromaticity", p.Aromaticity);
            json.WriteNumber("instability_index", p.InstabilityIndex);
            json.WritePropertyName("composition");
            json.WriteRawValue(p.Composition, skipInputValidation: true);
            json.WriteEndObject();
            json.WriteStartArray("embedding");
            foreach (var x in item.Embedding) json.WriteNumberValue(x);
            json.WriteEndArray();
            json.WriteEndObject();
            hash.Add(item.Id, p.Sequence, item.Embedding);
            if (++count % 256 == 0) await json.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        json.WriteEndArray();
        json.WriteString("content_hash", hash.Finish());
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One row per peptide: id, sequence, descriptors, then e0…e(d−1).</summary>
    public static async Task WriteCsvAsync(Stream output, int dimension, IAsyncEnumerable<ExportPeptide> peptides, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peptides);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var header = new StringBuilder("id,sequence,length,molecular_weight,net_charge_ph7,isoelectric_point,gravy,aromaticity,instability_index");
        for (var i = 0; i < dimension; i++) header.Append(",e").Append(i.ToString(CultureInfo.InvariantCulture));
        await writer.WriteLineAsync(header, cancellationToken).ConfigureAwait(false);
        await foreach (var item in peptides.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var p = item.Peptide;
            var line = new StringBuilder();
            line.Append(CsvCell.Text(item.Id)).Append(',').Append(CsvCell.Text(p.Sequence));
            foreach (var v in new[] { p.Length, p.MolecularWeight, p.NetChargePh7, p.IsoelectricPoint, p.Gravy, p.Aromaticity, p.InstabilityIndex })
                line.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
            foreach (var x in item.Embedding) line.Append(',').Append(x.ToString("R", CultureInfo.InvariantCulture));
            await writer.WriteLineAsync(line, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The embeddings as one [count, dimension] float32 matrix, rows streamed in export order.</summary>
    public static async Task WriteNpyAsync(Stream output, int count, int dimension, IAsyncEnumerable<ExportPeptide> peptides, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peptides);
        // The header writer is synchronous and a response body (Kestrel) refuses synchronous writes: buffer it.
        using (var header = new MemoryStream())
        {
            Npy.WriteHeader(header, NpyDType.Float32, count, dimension);
            await output.WriteAsync(header.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        var written = 0;
        await foreach (var item in peptides.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await output.WriteAsync(MemoryMarshal.AsBytes(item.Embedding.AsSpan()).ToArray(), cancellationToken).ConfigureAwait(false);
            written++;
        }
        if (written != count) throw new InvalidOperationException($"The export promised {count} rows but the run has {written}.");
    }
}
