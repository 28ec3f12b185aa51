using Tessera.Core.Numerics;
using Tessera.Testing;

namespace Tessera.Core.Tests;

public class NpyTests
{
    [Theory]
    [InlineData(new[] { 3, 4 })]
    [InlineData(new[] { 7 })]
    [InlineData(new[] { 0, 5 })]
    [InlineData(new[] { 2, 3, 2 })]
    public void A_float32_array_round_trips_with_its_shape(int[] shape)
    {
        var count = shape.Aggregate(1, (a, b) => a * b);
        var data = Enumerable.Range(0, count).Select(i => i * 0.5f - 3).ToArray();
        using var buffer = new MemoryStream();
        Npy.Write(buffer, data, shape);
        Assert.Equal(0, (buffer.Length - data.Length * 4) % 64);

        buffer.Position = 0;
        var array = Npy.Read(buffer);
        Assert.Equal(NpyDType.Float32, array.DType);
        Assert.Equal(shape, array.Shape);
        Assert.Equal(data, array.ToFloat32());
    }

    [Fact]
    public void WriteFile_is_readable_and_leaves_no_temporary_files()
    {
        using var dir = new TempDirectory();
        var path = dir.File("x.npy");
        Npy.WriteFile(path, [1f, 2f, 3f, 4f], 2, 2);
        Assert.Equal((2, 2), Npy.Read(path).Matrix);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_truncated_file_fails_with_a_clear_message()
    {
        using var buffer = new MemoryStream();
        Npy.Write(buffer, new float[100], 10, 10);
        var truncated = buffer.ToArray()[..^7];
        var error = Assert.Throws<InvalidDataException>(() => Npy.Read(new MemoryStream(truncated)));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_npy_is_rejected()
    {
        var error = Assert.Throws<InvalidDataException>(() => Npy.Read(new MemoryStream("hello world, not numpy"u8.ToArray())));
        Assert.Contains("magic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Big_endian_and_unsupported_dtypes_are_named_in_the_error()
    {
        var header = "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)header.Length, 0]);
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(header));
        bytes.AddRange(new byte[4]);
        var error = Assert.Throws<InvalidDataException>(() => Npy.Read(new MemoryStream(bytes.ToArray())));
        Assert.Contains(">f4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Integer_and_double_arrays_widen_and_narrow_as_asked()
    {
        using var buffer = new MemoryStream();
        var longs = new long[] { -1, 2, 3_000_000_000 };
        Npy.Write(buffer, NpyDType.Int64, System.Runtime.InteropServices.MemoryMarshal.AsBytes(longs.AsSpan()), 3);
        buffer.Position = 0;
        var array = Npy.Read(buffer);
        Assert.Equal(longs, array.ToInt64());
        Assert.Equal([-1.0, 2.0, 3e9], array.ToFloat64());
    }

    [Fact]
    public void The_esm_fixture_archive_reads_as_named_arrays()
    {
        var arrays = Npy.ReadArchive(Path.Combine(RepoPaths.Fixtures, "esm2-tiny", "reference.npz"));
        var tokens = arrays["s00_tokens"].ToInt64();
        Assert.Equal([0L, 20L, 2L], tokens);
        Assert.Equal(new[] { 3, 64 }, arrays["s00_hidden_f32"].Shape);
    }
}
