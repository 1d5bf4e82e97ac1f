namespace AigcMesh.Datasets;

public enum DatasetSplit
{
    Train,
    Validation,
    Test,
}
