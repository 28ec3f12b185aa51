using Tessera.Core.Errors;
using Tessera.Core.Numerics;

namespace Tessera.Cli.Commands.Index;

/// <summary>A float32 matrix read from a <c>.npy</c> file, checked with errors that name the file.</summary>
internal sealed record VectorFile(string Path, float[] Values, int Rows, int Columns)
{
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Columns, Columns);

    public static VectorFile Read(string path, string role)
    {
        var array = ReadArray(path, role);
        if (array.DType != NpyDType.Float32)
            throw TesseraException.Validation($"The {role} file {path} holds {array.DType}; expected float32 (numpy: .astype('float32')).");
        if (array.Shape.Count != 2)
            throw TesseraException.Validation($"The {role} file {path} has shape [{string.Join(", ", array.Shape)}]; expected a 2-D matrix (rows × dimensions).");
        var (rows, columns) = array.Matrix;
        if (rows == 0 || columns == 0) throw TesseraException.Validation($"The {role} file {path} is empty.");
        return new VectorFile(path, array.ToFloat32(), rows, columns);
    }

    /// <summary>Reads a ground-truth matrix of neighbour ids (any integer dtype), one row per query.</summary>
    public static (long[] Ids, int Rows, int Columns) ReadIds(string path, string role)
    {
        var array = ReadArray(path, role);
        if (array.DType is not (NpyDType.Int32 or NpyDType.Int64) || array.Shape.Count != 2)
            throw TesseraException.Validation($"The {role} file {path} must be a 2-D int32 or int64 matrix (got {array.DType} [{string.Join(", ", array.Shape)}]).");
        var (rows, columns) = array.Matrix;
        return (array.ToInt64(), rows, columns);
    }

    public void RequireColumns(int dimension, string against)
    {
        if (Columns != dimension)
            throw TesseraException.Validation($"{Path} has {Columns} dimensions but {against} has {dimension}.");
    }

    private static NpyArray ReadArray(string path, string role)
    {
        if (!File.Exists(path)) throw TesseraException.Validation($"The {role} file {path} does not exist.");
        try
        {
            return Npy.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw TesseraException.Validation($"The {role} file is not a valid .npy file: {e.Message}");
        }
    }
}
