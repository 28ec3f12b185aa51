namespace Tessera.Cards.Identify;

/// <summary>
/// ORB keypoints of one card image at the verifier's working size: positions and 32-byte binary descriptors in managed
/// arrays, so a catalog image's features can be cached and shared across threads without native memory to free.
/// </summary>
/// <param name="X">Keypoint x positions, in working-size pixels.</param>
/// <param name="Y">Keypoint y positions, in working-size pixels.</param>
/// <param name="Descriptors">The keypoints' descriptors, <see cref="DescriptorLength"/> bytes each, in the same order.</param>
internal sealed record CardFeatures(float[] X, float[] Y, byte[] Descriptors)
{
    public const int DescriptorLength = 32;

    public int Count => X.Length;
}
