using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Approvals.Durable.Storage;

/// <summary>
/// Stores a string value in a table entity whatever its size: a string property up to 32 K characters (the
/// 64 KiB property limit), UTF-8 binary chunks of 64 KiB up to <see cref="MaxInlineBytes"/>, and a blob beyond
/// (the entity limit is 1 MiB, a batch 4 MiB). Readers never need to know which form was used.
/// </summary>
internal static class PayloadCodec
{
    public const int MaxInlineBytes = 640 * 1024;
    private const int MaxStringChars = 32 * 1024 - 16;
    private const int ChunkBytes = 64 * 1024;

    public static async Task<string?> WriteAsync(TableEntity entity, string property, string? value, BlobContainerClient container, Func<string> blobName, int maxInlineBytes, CancellationToken ct)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length <= MaxStringChars)
        {
            entity[property] = value;
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length <= maxInlineBytes)
        {
            var count = (bytes.Length + ChunkBytes - 1) / ChunkBytes;
            for (var i = 0; i < count; i++)
            {
                entity[$"{property}_{i}"] = bytes.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, bytes.Length - (i * ChunkBytes))).ToArray();
            }

            entity[$"{property}_n"] = count;
            return null;
        }

        // Written before the table row that references it: a crash in between leaves an orphan blob (removed by purge), never a dangling reference.
        var name = blobName();
        await container.GetBlobClient(name).UploadAsync(new BinaryData(bytes), overwrite: true, ct);
        entity[$"{property}_blob"] = name;
        return name;
    }

    public static async Task<string?> ReadAsync(TableEntity entity, string property, BlobContainerClient container, CancellationToken ct)
    {
        if (entity.TryGetValue(property, out var inline) && inline is string s)
        {
            return s;
        }

        if (entity.TryGetValue($"{property}_n", out var n) && n is int count)
        {
            using var buffer = new MemoryStream();
            for (var i = 0; i < count; i++)
            {
                buffer.Write((byte[])entity[$"{property}_{i}"]);
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        if (entity.TryGetValue($"{property}_blob", out var blob) && blob is string name)
        {
            var content = await container.GetBlobClient(name).DownloadContentAsync(ct);
            return content.Value.Content.ToString();
        }

        return null;
    }
}
