using System.Text;

namespace Approvals.Licensing.Tests.Licences;

/// <summary>
/// A minimal QR reader for the tests: numeric, alphanumeric and byte segments in symbols of versions 1–10 at error-correction level M,
/// read from a clean module grid (no error correction applied — a clean rendering needs none). It
/// decodes independently of QRCoder, so it proves that what the PDF draws is the verify URL.
/// </summary>
internal static class QrReader
{
    // Level M: (blocks in group 1, data codewords each, blocks in group 2, data codewords each) per version.
    private static readonly (int B1, int D1, int B2, int D2)[] LevelM =
    [
        default, (1, 16, 0, 0), (1, 28, 0, 0), (1, 44, 0, 0), (2, 32, 0, 0), (2, 43, 0, 0),
        (4, 27, 0, 0), (4, 31, 0, 0), (2, 38, 2, 39), (3, 36, 2, 37), (4, 43, 1, 44),
    ];

    private static readonly int[][] Alignment =
    [
        [], [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
    ];

    /// <summary>Decodes the grid (true = dark, no quiet zone); null when no mask gives a well-formed payload.</summary>
    public static string? Decode(bool[,] grid)
    {
        var size = grid.GetLength(0);
        var version = (size - 17) / 4;
        if (version is < 1 or > 10 || (size - 17) % 4 != 0)
        {
            return null;
        }

        var function = FunctionModules(size, version);
        for (var mask = 0; mask < 8; mask++)
        {
            var text = TryMask(grid, function, size, version, mask);
            if (text is not null)
            {
                return text;
            }
        }

        return null;
    }

    private static string? TryMask(bool[,] grid, bool[,] function, int size, int version, int mask)
    {
        var bits = new List<bool>();
        var upward = true;
        for (var right = size - 1; right > 0; right -= 2)
        {
            if (right == 6)
            {
                right--;   // the vertical timing pattern column is skipped
            }

            for (var k = 0; k < size; k++)
            {
                var row = upward ? size - 1 - k : k;
                for (var c = 0; c < 2; c++)
                {
                    var col = right - c;
                    if (!function[row, col])
                    {
                        bits.Add(grid[row, col] ^ MaskBit(mask, row, col));
                    }
                }
            }

            upward = !upward;
        }

        var codewords = new byte[bits.Count / 8];
        for (var i = 0; i < codewords.Length; i++)
        {
            for (var b = 0; b < 8; b++)
            {
                codewords[i] = (byte)((codewords[i] << 1) | (bits[(i * 8) + b] ? 1 : 0));
            }
        }

        var data = Deinterleave(codewords, LevelM[version]);
        return ParseSegments(data, version);
    }

    private static List<byte> Deinterleave(byte[] codewords, (int B1, int D1, int B2, int D2) layout)
    {
        var lengths = Enumerable.Repeat(layout.D1, layout.B1).Concat(Enumerable.Repeat(layout.D2, layout.B2)).ToArray();
        var blocks = lengths.Select(_ => new List<byte>()).ToArray();
        var next = 0;
        for (var i = 0; i < lengths.Max(); i++)
        {
            for (var b = 0; b < blocks.Length; b++)
            {
                if (i < lengths[b])
                {
                    blocks[b].Add(codewords[next++]);
                }
            }
        }

        return blocks.SelectMany(b => b).ToList();
    }

    private const string AlphanumericTable = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    /// <summary>Reads numeric, alphanumeric and byte segments (encoders mix them) up to the terminator.</summary>
    private static string? ParseSegments(List<byte> data, int version)
    {
        var bits = data.SelectMany(b => Enumerable.Range(0, 8).Select(i => ((b >> (7 - i)) & 1) == 1)).ToList();
        var pos = 0;
        int Read(int n)
        {
            if (pos + n > bits.Count)
            {
                throw new InvalidDataException("past the end");
            }

            var v = 0;
            for (var i = 0; i < n; i++)
            {
                v = (v << 1) | (bits[pos++] ? 1 : 0);
            }

            return v;
        }

        var text = new StringBuilder();
        try
        {
            while (true)
            {
                var mode = bits.Count - pos < 4 ? 0 : Read(4);
                switch (mode)
                {
                    case 0:
                        return PaddingIsValid(data, (pos + 7) / 8) ? text.ToString() : null;
                    case 0b0001:
                        for (var left = Read(version < 10 ? 10 : 12); left > 0; left -= 3)
                        {
                            var digits = Math.Min(3, left);
                            text.Append(Read(digits == 3 ? 10 : digits == 2 ? 7 : 4).ToString($"D{digits}", System.Globalization.CultureInfo.InvariantCulture));
                        }

                        break;
                    case 0b0010:
                        for (var left = Read(version < 10 ? 9 : 11); left > 0; left -= 2)
                        {
                            if (left >= 2)
                            {
                                var v = Read(11);
                                text.Append(AlphanumericTable[v / 45]).Append(AlphanumericTable[v % 45]);
                            }
                            else
                            {
                                text.Append(AlphanumericTable[Read(6)]);
                            }
                        }

                        break;
                    case 0b0100:
                        var count = Read(version < 10 ? 8 : 16);
                        var bytes = Enumerable.Range(0, count).Select(_ => (byte)Read(8)).ToArray();
                        text.Append(Encoding.Latin1.GetString(bytes));
                        break;
                    default:
                        return null;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>After the terminator the pad codewords alternate 0xEC 0x11: a wrong mask fails here.</summary>
    private static bool PaddingIsValid(List<byte> data, int padStart)
    {
        for (var i = padStart; i < data.Count; i++)
        {
            if (data[i] != ((i - padStart) % 2 == 0 ? 0xEC : 0x11))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MaskBit(int mask, int i, int j) => mask switch
    {
        0 => (i + j) % 2 == 0,
        1 => i % 2 == 0,
        2 => j % 3 == 0,
        3 => (i + j) % 3 == 0,
        4 => ((i / 2) + (j / 3)) % 2 == 0,
        5 => ((i * j) % 2) + ((i * j) % 3) == 0,
        6 => (((i * j) % 2) + ((i * j) % 3)) % 2 == 0,
        _ => (((i + j) % 2) + ((i * j) % 3)) % 2 == 0,
    };

    private static bool[,] FunctionModules(int size, int version)
    {
        var f = new bool[size, size];
        void Fill(int r0, int c0, int h, int w)
        {
            for (var r = Math.Max(0, r0); r < Math.Min(size, r0 + h); r++)
            {
                for (var c = Math.Max(0, c0); c < Math.Min(size, c0 + w); c++)
                {
                    f[r, c] = true;
                }
            }
        }

        Fill(0, 0, 9, 9);               // finder, separator, format information
        Fill(0, size - 8, 9, 8);
        Fill(size - 8, 0, 8, 9);
        Fill(6, 0, 1, size);            // timing patterns
        Fill(0, 6, size, 1);
        var centres = Alignment[version];
        foreach (var r in centres)
        {
            foreach (var c in centres)
            {
                var overlapsFinder = (r == 6 && c == 6) || (r == 6 && c == centres[^1]) || (r == centres[^1] && c == 6);
                if (!overlapsFinder)
                {
                    Fill(r - 2, c - 2, 5, 5);
                }
            }
        }

        if (version >= 7)
        {
            Fill(0, size - 11, 6, 3);   // version information
            Fill(size - 11, 0, 3, 6);
        }

        return f;
    }
}
