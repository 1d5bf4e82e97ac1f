using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AigcMesh.Datasets.Writing;

/// <summary>The sum and the sum of squares of uint8 values, with SIMD where the hardware has it (exact integers either way).</summary>
public static class PixelSums
{
    /// <summary>Vectors per round: each uint lane then holds at most 4 * 65025 * 4096 (under 2^32) before it is added to the totals.</summary>
    private const int VectorsPerRound = 4096;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (long Sum, long Squares) Of(ReadOnlySpan<byte> values)
    {
        long sum = 0, squares = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var width = Vector256<byte>.Count;
            while (values.Length - i >= width)
            {
                var sumLanes = Vector256<uint>.Zero;
                var squareLanes = Vector256<uint>.Zero;
                for (var round = 0; round < VectorsPerRound && values.Length - i >= width; round++, i += width)
                {
                    var (low, high) = Vector256.Widen(Vector256.Create(values.Slice(i, width)));
                    var (a, b) = Vector256.Widen(low + high);
                    sumLanes += a + b;
                    var (c, d) = Vector256.Widen(low * low);
                    var (e, f) = Vector256.Widen(high * high);
                    squareLanes += c + d + e + f;
                }
                sum += (long)(Vector256.Sum(Vector256.WidenLower(sumLanes)) + Vector256.Sum(Vector256.WidenUpper(sumLanes)));
                squares += (long)(Vector256.Sum(Vector256.WidenLower(squareLanes)) + Vector256.Sum(Vector256.WidenUpper(squareLanes)));
            }
        }
        for (; i < values.Length; i++)
        {
            sum += values[i];
            squares += values[i] * values[i];
        }
        return (sum, squares);
    }
}
