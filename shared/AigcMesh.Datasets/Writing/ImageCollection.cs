namespace AigcMesh.Datasets.Writing;

/// <summary>Decoded images ready to store: <see cref="Pixels"/> holds Count records of Channels*Height*Width uint8 in CHW order.</summary>
public sealed record ImageCollection(byte[] Pixels, int[] Labels, int Channels, int Height, int Width, IReadOnlyList<string> ClassNames)
{
    public int ImageBytes => Channels * Height * Width;
    public int Count => Labels.Length;

    public void Validate()
    {
        if (Channels is not (1 or 3)) throw new InvalidDatasetSourceException($"Images must have 1 or 3 channels (got {Channels}).");
        if (Height <= 0 || Width <= 0) throw new InvalidDatasetSourceException("Images must have a positive size.");
        if (Count == 0) throw new InvalidDatasetSourceException("The source holds no images.");
        if ((long)Count * ImageBytes != Pixels.LongLength) throw new InvalidDatasetSourceException("Pixel data and labels disagree in count.");
        foreach (var label in Labels)
        {
            if ((uint)label >= (uint)ClassNames.Count) throw new InvalidDatasetSourceException($"Label {label} is outside the {ClassNames.Count} classes.");
        }
    }
}

/// <summary>Progress of a long step: items done of a total when known.</summary>
public sealed record ImportProgress(string Stage, long ItemsDone, long? ItemsTotal);
