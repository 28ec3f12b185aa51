using System.Security.Cryptography;
using Tessera.Vectors.Hnsw;
using Tessera.Vectors.Snapshots;

namespace Tessera.Vectors.Tests;

public sealed class SnapshotTests : IDisposable
{
    private const int Dim = 8;
    private readonly string _folder = Directory.CreateTempSubdirectory("tessera-snapshot-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(DistanceMetric.L2)]
    [InlineData(DistanceMetric.Cosine)]
    public void A_saved_index_loads_with_the_same_answers(DistanceMetric metric)
    {
        var vectors = TestVectors.Clustered(1500, Dim, seed: 71);
        using var index = HnswIndex.Build(metric, Dim, vectors, options: new HnswOptions { M = 6, EfConstruction = 40, EfSearch = 33, Seed = 9 }, threads: 1);
        index.Delete(3);
        var path = Path.Combine(_folder, "index.hnsw");

        HnswSnapshot.Save(index, path);
        using var loaded = HnswSnapshot.Load(path);

        Assert.Equal(metric, loaded.Metric);
        Assert.Equal(index.Options, loaded.Options);
        Assert.Equal(1499, loaded.Count);
        Assert.Equal(1, loaded.DeletedCount);
        for (var q = 0; q < 40; q++)
        {
            var query = TestVectors.Row(vectors, Dim, q * 11);
            Assert.Equal(index.Search(query, 10), loaded.Search(query, 10));
        }
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void A_loaded_index_accepts_new_vectors()
    {
        var vectors = TestVectors.Clustered(600, Dim, seed: 72);
        var path = Path.Combine(_folder, "grow.hnsw");
        using (var index = HnswIndex.Build(DistanceMetric.L2, Dim, vectors.AsMemory(0, 300 * Dim), options: new HnswOptions { M = 6 }, threads: 1))
            HnswSnapshot.Save(index, path);

        using var loaded = HnswSnapshot.Load(path);
        for (var row = 300; row < 600; row++) loaded.Add(row, TestVectors.Row(vectors, Dim, row));

        Assert.Equal(600, loaded.Count);
        Assert.Equal(599, loaded.Search(TestVectors.Row(vectors, Dim, 599), 1, 32)[0].Id);
    }

    [Fact]
    public void An_index_spanning_many_store_segments_grows_saves_and_loads()
    {
        const int n = 3000;
        var vectors = TestVectors.Clustered(n, Dim, seed: 75);
        var stride = new NodeLayout(Dim, 6).NodeBytes;
        // 256-node segments, and a start capacity inside the first, so adds cross many segment boundaries.
        using var index = new HnswIndex(DistanceMetric.L2, Dim, new HnswOptions { M = 6, EfConstruction = 40 }, initialCapacity: 100, maxSegmentBytes: 256L * stride);
        for (var row = 0; row < n; row++) index.Add(row, TestVectors.Row(vectors, Dim, row));
        var path = Path.Combine(_folder, "segments.hnsw");

        HnswSnapshot.Save(index, path);
        using var smallSegments = HnswSnapshot.Load(path, 256L * stride);
        using var oneSegment = HnswSnapshot.Load(path);

        Assert.True(index.Store.SegmentBits == 8 && index.Store.Capacity >= n);
        for (var q = 0; q < 60; q++)
        {
            var query = TestVectors.Row(vectors, Dim, q * 47);
            var expected = index.Search(query, 10, 32);
            Assert.Equal(q * 47, expected[0].Id);
            Assert.Equal(expected, smallSegments.Search(query, 10, 32));
            Assert.Equal(expected, oneSegment.Search(query, 10, 32));
        }
    }

    [Fact]
    public void An_empty_index_round_trips()
    {
        var path = Path.Combine(_folder, "empty.hnsw");
        using (var index = new HnswIndex(DistanceMetric.InnerProduct, Dim)) HnswSnapshot.Save(index, path);

        using var loaded = HnswSnapshot.Load(path);

        Assert.Equal(0, loaded.Count);
        Assert.Empty(loaded.Search(new float[Dim], 3));
    }

    [Fact]
    public void Every_truncation_fails_with_a_clear_error()
    {
        var bytes = SavedBytes();
        var path = Path.Combine(_folder, "cut.hnsw");
        var offsets = new[] { 0, 1, 7, 8, 64, 127, 128, 129, 1000 }.Concat(Enumerable.Range(1, 40).Select(i => i * (bytes.Length - 1) / 40)).Distinct();
        foreach (var length in offsets.Where(l => l < bytes.Length))
        {
            File.WriteAllBytes(path, bytes[..length]);
            var error = Assert.Throws<InvalidDataException>(() => HnswSnapshot.Load(path));
            Assert.Contains(path, error.Message);
        }
    }

    [Fact]
    public void Every_flipped_byte_fails_with_a_clear_error()
    {
        var bytes = SavedBytes();
        var path = Path.Combine(_folder, "flip.hnsw");
        var random = new Random(73);
        for (var trial = 0; trial < 200; trial++)
        {
            var corrupt = (byte[])bytes.Clone();
            var at = trial < 128 ? trial : random.Next(corrupt.Length);
            corrupt[at] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(path, corrupt);
            Assert.Throws<InvalidDataException>(() => HnswSnapshot.Load(path));
        }
    }

    [Fact]
    public void Trailing_bytes_and_foreign_files_are_rejected()
    {
        var path = Path.Combine(_folder, "other.hnsw");
        File.WriteAllBytes(path, [.. SavedBytes(), 0]);
        Assert.Contains("trailing", Assert.Throws<InvalidDataException>(() => HnswSnapshot.Load(path)).Message);
        File.WriteAllText(path, new string('x', 500));
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => HnswSnapshot.Load(path)).Message);
    }

    [Fact]
    public void A_version_1_file_with_interleaved_records_is_rejected_by_its_version()
    {
        var bytes = SavedBytes();
        BitConverter.TryWriteBytes(bytes.AsSpan(8), 1u);
        Resign(bytes);
        var path = Path.Combine(_folder, "v1.hnsw");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => HnswSnapshot.Load(path));
        Assert.Contains("version 1", error.Message);
    }

    [Theory]
    [InlineData(DistanceMetric.L2)]
    [InlineData(DistanceMetric.InnerProduct)]
    public void A_quantized_index_loads_with_its_quantizer_and_the_same_answers(DistanceMetric metric)
    {
        var vectors = TestVectors.Clustered(1200, Dim, seed: 75);
        var options = new HnswOptions { M = 6, EfConstruction = 40, Quantization = VectorQuantization.Sq8, RerankMultiple = 3 };
        using var index = HnswIndex.Build(metric, Dim, vectors, options: options, threads: 1);
        var path = Path.Combine(_folder, "sq8.hnsw");

        HnswSnapshot.Save(index, path);
        using var loaded = HnswSnapshot.Load(path);

        Assert.Equal(options, loaded.Options);
        Assert.Equal(index.Quantizer!.Step, loaded.Quantizer!.Step);
        Assert.Equal(index.Quantizer.Centres, loaded.Quantizer.Centres);
        Assert.Equal(index.Memory.QuantizedBytes, loaded.Memory.QuantizedBytes);
        for (var q = 0; q < 40; q++)
        {
            var query = TestVectors.Row(vectors, Dim, q * 13);
            Assert.Equal(index.Search(query, 10), loaded.Search(query, 10));
        }
        loaded.Add(5000, TestVectors.Row(vectors, Dim, 7));
        var twins = loaded.Search(TestVectors.Row(vectors, Dim, 7), 2, SearchFilters.In(new HashSet<long> { 7, 5000 }));
        Assert.Equal(twins[0].Distance, twins[1].Distance);
    }

    [Fact]
    public void A_version_2_file_from_before_quantization_is_refused_with_a_way_out()
    {
        var bytes = SavedBytes();
        BitConverter.TryWriteBytes(bytes.AsSpan(8), 2u);
        Resign(bytes);
        var path = Path.Combine(_folder, "v2.hnsw");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => HnswSnapshot.Load(path));
        Assert.Contains("version 2 (this build reads version 3)", error.Message);
        Assert.Contains("tessera index build", error.Message);
    }

    [Fact]
    public void A_hostile_file_with_a_valid_checksum_is_still_rejected()
    {
        var bytes = SavedBytes();
        // Point node 0's first link (the links region follows the 300 headers) far outside the graph, then re-sign the file.
        BitConverter.TryWriteBytes(bytes.AsSpan(SnapshotHeader.Size + 300 * NodeLayout.HeaderStride), 1_000_000);
        Resign(bytes);
        var path = Path.Combine(_folder, "hostile.hnsw");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => HnswSnapshot.Load(path));
        Assert.Contains("outside", error.Message);
    }

    private byte[] SavedBytes()
    {
        var vectors = TestVectors.Clustered(300, Dim, seed: 74);
        using var index = HnswIndex.Build(DistanceMetric.L2, Dim, vectors, options: new HnswOptions { M = 6, EfConstruction = 30 }, threads: 1);
        var path = Path.Combine(_folder, "source.hnsw");
        HnswSnapshot.Save(index, path);
        return File.ReadAllBytes(path);
    }

    private static void Resign(byte[] bytes)
    {
        bytes.AsSpan(SnapshotHeader.ChecksumOffset, SnapshotHeader.ChecksumSize).Clear();
        SHA256.HashData(bytes).CopyTo(bytes.AsSpan(SnapshotHeader.ChecksumOffset));
    }
}
