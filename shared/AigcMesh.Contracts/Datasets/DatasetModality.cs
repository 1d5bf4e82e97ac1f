namespace AigcMesh.Contracts.Datasets;

public enum DatasetModality
{
    Image,
    Text,
}
