using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Tessera.Core.Errors;

namespace Tessera.Inference.Onnx;

/// <summary>
/// A model file on disk, or a file carried as a managed resource inside a .NET assembly (how the
/// SentenceTransformers packages ship their ONNX models). Resources are read from the assembly's metadata
/// without loading it, so none of the package's code runs.
/// </summary>
public sealed record ModelFile(string Path, string? Resource = null)
{
    /// <summary>For listings: the path, or <c>path!resource</c>.</summary>
    public override string ToString() => Resource is null ? Path : $"{Path}!{Resource}";

    public byte[] ReadAllBytes()
    {
        if (!File.Exists(Path))
            throw new FileNotFoundException($"The model file {Path} is missing; it is copied beside the app by the build from its NuGet package (run dotnet restore and build).", Path);
        return Resource is null ? File.ReadAllBytes(Path) : ReadResource();
    }

    private byte[] ReadResource()
    {
        using var pe = new PEReader(File.OpenRead(Path));
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!resource.Implementation.IsNil || !metadata.StringComparer.Equals(resource.Name, Resource!)) continue;
            // Embedded resources sit in the CLI resources block: a 4-byte length, then the bytes.
            var block = pe.GetSectionData(pe.PEHeaders.CorHeader!.ResourcesDirectory.RelativeVirtualAddress);
            var reader = block.GetReader((int)resource.Offset, block.Length - (int)resource.Offset);
            var length = reader.ReadInt32();
            return reader.ReadBytes(length);
        }
        throw TesseraException.Validation($"{Path} holds no resource named {Resource}.");
    }
}
