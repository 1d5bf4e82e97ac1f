namespace AigcMesh.Datasets;

/// <summary>The source of an import is not acceptable (bad format, over a limit, empty); the message names the cause.</summary>
public sealed class InvalidDatasetSourceException(string message, Exception? inner = null) : Exception(message, inner);
