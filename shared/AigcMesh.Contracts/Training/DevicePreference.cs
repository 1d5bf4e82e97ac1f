namespace AigcMesh.Contracts.Training;

public enum DevicePreference
{
    /// <summary>CUDA when the trainer has it, else CPU.</summary>
    Auto,
    Cpu,
    Cuda,
}
