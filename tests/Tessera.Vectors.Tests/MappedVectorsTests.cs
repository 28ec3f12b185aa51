using Tessera.Core.Errors;
using Tessera.Vectors.Hnsw;
using Tessera.Vectors.Snapshots;

namespace Tessera.Vectors.Tests;

/// <summary>Float32 vectors in memory-mapped files: the same answers as resident ones, nothing left on disk.</summary>
public sealed class MappedVectorsTests : IDisposable
{
    private const int Dim = 40;
    private readonly string _folder = Directory.CreateTempSubdirectory("tessera-mapped-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly HnswOptions Resident = new() { M = 8, EfConstruction = 64, Quantization = VectorQuantization.Sq8 };

    private HnswOptions Mapped => Resident with { Float32Storage = VectorStorage.MemoryMapped, MappedFileDirectory = _folder };

    [Fact]
    public void A_mapped_index_answers_as_a_resident_one_across_segments_and_growth()
    {
        const int n = 1500;
        var vectors = TestVectors.Clustered(n, Dim, seed: 91);
        var layout = new NodeLayout(Dim, 8, VectorQuantization.Sq8);
        // Small segments and a small start: the index grows through several segments, each with its own mapping.
        using var resident = new HnswIndex(DistanceMetric.L2, Dim, Resident, 100, 256L * layout.NodeBytes);
        using var mapped = new HnswIndex(DistanceMetric.L2, Dim, Mapped, 100, 256L * layout.NodeBytes);
        for (var row = 0; row < n; row++)
        {
            resident.Add(row, TestVectors.Row(vectors, Dim, row));
            mapped.Add(row, TestVectors.Row(vectors, Dim, row));
        }
        mapped.Delete(7);
        resident.Delete(7);

        for (var q = 0; q < 40; q++)
        {
            var query = TestVectors.Row(vectors, Dim, q * 31);
            Assert.Equal(resident.Search(query, 10, ef: 64), mapped.Search(query, 10, ef: 64));
        }
        // Unlinked as soon as mapped: nothing to clean up, however the process ends.
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public void Memory_counts_mapped_vectors_apart_from_what_must_stay_resident()
    {
        const int n = 1000;
        var vectors = TestVectors.Clustered(n, Dim, seed: 92);
        using var resident = HnswIndex.Build(DistanceMetric.L2, Dim, vectors, options: Resident, threads: 1);
        using var mapped = HnswIndex.Build(DistanceMetric.L2, Dim, vectors, options: Mapped, threads: 1);

        Assert.False(resident.Memory.VectorsMapped);
        Assert.Equal(resident.Memory.TotalBytes, resident.Memory.ResidentBytes);
        var memory = mapped.Memory;
        Assert.True(memory.VectorsMapped);
        // 40 dimensions: 192-byte float rows (three lines), 64-byte code rows.
        Assert.Equal(n * 192L, memory.VectorBytes);
        Assert.Equal(memory.GraphBytes + memory.QuantizedBytes, memory.ResidentBytes);
        Assert.Equal(resident.Memory.GraphBytes, memory.GraphBytes);
        // Just written by the build, the rows are in the page cache (mincore), at most the whole file.
        Assert.InRange(memory.MappedVectorBytesInMemory, 1, memory.VectorBytes);
    }

    [Fact]
    public void A_snapshot_loads_with_mapped_vectors_and_the_serving_settings()
    {
        const int n = 800;
        var vectors = TestVectors.Clustered(n, Dim, seed: 93);
        var path = Path.Combine(_folder, "index.hnsw");
        using (var built = HnswIndex.Build(DistanceMetric.L2, Dim, vectors, options: Resident with { RerankMultiple = 2 }, threads: 1))
            HnswSnapshot.Save(built, path);
        using var stored = HnswSnapshot.Load(path);
        using var loaded = HnswSnapshot.Load(path, Mapped with { RerankMultiple = 6, EfSearch = 90 });

        Assert.True(loaded.Memory.VectorsMapped);
        Assert.Equal((6, 90, 8), (loaded.Options.RerankMultiple, loaded.Options.EfSearch, loaded.Options.M));
        for (var q = 0; q < 20; q++)
        {
            var query = TestVectors.Row(vectors, Dim, q * 17);
            Assert.Equal(stored.Search(query, 5, ef: 90), loaded.Search(query, 5, ef: 90));
        }
    }

    [Fact]
    public void An_unquantized_snapshot_keeps_its_vectors_resident_and_mapping_needs_sq8()
    {
        var path = Path.Combine(_folder, "plain.hnsw");
        using (var plain = HnswIndex.Build(DistanceMetric.L2, Dim, TestVectors.Clustered(50, Dim, seed: 94), options: new HnswOptions { M = 8 }))
            HnswSnapshot.Save(plain, path);
        using var loaded = HnswSnapshot.Load(path, Mapped);
        Assert.False(loaded.Memory.VectorsMapped);

        var error = Assert.Throws<TesseraException>(() => new HnswIndex(DistanceMetric.L2, Dim, Mapped with { Quantization = VectorQuantization.None }));
        Assert.Contains("need sq8", error.Message);
    }

    [Fact]
    public void A_folder_that_cannot_hold_the_file_is_a_clear_error()
    {
        var file = Path.Combine(_folder, "not-a-folder");
        File.WriteAllText(file, "x");
        var error = Assert.Throws<TesseraException>(() => new HnswIndex(DistanceMetric.L2, Dim, Mapped with { MappedFileDirectory = file }));
        Assert.Contains("memory-mapped vector file", error.Message);
    }
}
