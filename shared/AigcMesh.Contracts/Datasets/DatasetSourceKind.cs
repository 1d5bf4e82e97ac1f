namespace AigcMesh.Contracts.Datasets;

/// <summary>Formats the dataset service can import.</summary>
public enum DatasetSourceKind
{
    /// <summary>An IDX image file with an optional IDX label file (MNIST, Fashion-MNIST), raw or gzip'ed.</summary>
    Idx,
    /// <summary>A folder (or zip of one) with one sub-folder per class holding PNG or JPEG images.</summary>
    ImageFolder,
    /// <summary>Plain UTF-8 text.</summary>
    PlainText,
    /// <summary>Records separated by a line holding only '%' (the fortune format).</summary>
    FortuneText,
    /// <summary>JSON Lines with a text field.</summary>
    JsonLines,
    /// <summary>The built-in procedurally drawn image set.</summary>
    SyntheticImages,
    /// <summary>The built-in small text corpus.</summary>
    SyntheticText,
}
