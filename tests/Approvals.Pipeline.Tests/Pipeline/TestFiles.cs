namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>Small files with the right leading bytes.</summary>
internal static class TestFiles
{
    public static byte[] Pdf(int size = 2048) => WithPrefix("%PDF-1.7\n"u8, size);

    public static byte[] Png(int size = 1024) => WithPrefix([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], size);

    public static byte[] Jpeg(int size = 1024) => WithPrefix([0xFF, 0xD8, 0xFF, 0xE0], size);

    private static byte[] WithPrefix(ReadOnlySpan<byte> prefix, int size)
    {
        var bytes = new byte[Math.Max(size, prefix.Length)];
        Random.Shared.NextBytes(bytes);
        prefix.CopyTo(bytes);
        return bytes;
    }
}

/// <summary>
/// A read-only stream that produces <c>length</c> bytes on demand (a PDF header, then a pattern), so a 200 MB body
/// never exists as an array in the test process either.
/// </summary>
internal sealed class GeneratedStream(long length) : Stream
{
    private static readonly byte[] Header = "%PDF-1.7\n"u8.ToArray();
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        for (var i = 0; i < n; i++)
        {
            var p = _position + i;
            buffer[i] = p < Header.Length ? Header[p] : (byte)(p % 251);
        }

        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
