namespace Tessera.Testing;

/// <summary>
/// An in-memory output stream that refuses synchronous I/O as Kestrel's response body does
/// (<c>AllowSynchronousIO = false</c>), so a writer that calls <c>Write</c> or <c>Flush</c> fails in a test
/// instead of in production. Read the written bytes with <see cref="ToArray"/>.
/// </summary>
public sealed class KestrelLikeStream : Stream
{
    private readonly MemoryStream buffer = new();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public byte[] ToArray() => buffer.ToArray();

    public override void Write(byte[] buffer, int offset, int count) => throw Synchronous();
    public override void Write(ReadOnlySpan<byte> buffer) => throw Synchronous();
    public override void WriteByte(byte value) => throw Synchronous();
    public override void Flush() => throw Synchronous();
    public override int Read(byte[] buffer, int offset, int count) => throw Synchronous();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        this.buffer.WriteAsync(buffer, cancellationToken);

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) buffer.Dispose();
        base.Dispose(disposing);
    }

    private static InvalidOperationException Synchronous() =>
        new("Synchronous operations are disallowed. Call WriteAsync or set AllowSynchronousIO to true instead.");
}
