using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Tests;

public sealed unsafe class NodeStoreTests
{
    [Theory]
    [InlineData(3, 16)]
    [InlineData(16, 64)]
    [InlineData(64, 256)]
    [InlineData(100, 448)]
    [InlineData(320, 1280)]
    public void Vector_rows_are_padded_to_whole_cache_lines_or_a_divisor_of_one(int dimension, int stride) =>
        Assert.Equal(stride, new NodeLayout(dimension, 16).VectorStride);

    [Theory]
    [InlineData(64)]
    [InlineData(100)]
    public void Every_vector_and_link_list_starts_on_a_cache_line_across_segments(int dimension)
    {
        var layout = new NodeLayout(dimension, 16);
        var store = new NodeStore(layout, capacity: 300, maxSegmentBytes: 256L * layout.NodeBytes);
        store.Grow(1000);
        var nodes = store.View;

        for (var id = 0; id < 1000; id++)
        {
            Assert.Equal(0, (nint)nodes.Vector(id) % 64);
            Assert.Equal(0, (nint)nodes.Links(id) % 64);
        }
    }

    [Fact]
    public void Growing_keeps_every_region_of_the_nodes_already_stored()
    {
        var layout = new NodeLayout(20, 4);
        var store = new NodeStore(layout, capacity: 100, maxSegmentBytes: 256L * layout.NodeBytes);
        var before = store.View;
        for (var id = 0; id < 100; id++) Fill(before, id);

        store.Grow(700);

        var after = store.View;
        Assert.Equal(700, after.Capacity);
        for (var id = 0; id < 100; id++)
        {
            Assert.Equal(id, *after.Header(id));
            Assert.Equal(id + 1, after.Links(id)[7]);
            Assert.Equal(id + 2f, after.Vector(id)[19]);
            Assert.Equal(id + 3L, *after.Label(id));
        }
    }

    private static void Fill(NodeView nodes, int id)
    {
        *nodes.Header(id) = id;
        nodes.Links(id)[7] = id + 1;
        nodes.Vector(id)[19] = id + 2f;
        *nodes.Label(id) = id + 3L;
    }
}
