// swift-tools-version: 6.0
// FaceAtlas: 3D digital face mapping for affective-disorder research and teaching.
//
// Targets follow the pipeline (see ../shared/DESIGN.md): data flows one way,
// from the numeric and format foundations, through the face model, to the CLI.
import PackageDescription

// dlib's HOG features use SSE4 when the compiler may (every x86-64 machine of the last 15 years has it).
#if arch(x86_64)
let dlibSIMD = ["-msse4.1"]
#else
let dlibSIMD: [String] = []
#endif

let package = Package(
    name: "FaceAtlas",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "faceatlas", targets: ["faceatlas"]),
        .library(name: "FaceAtlas", targets: [
            "FaceAtlasCore", "Numerics", "NumPyFormat", "Imaging", "Mesh", "Render",
            "FaceModel", "ModelAuthoring", "Landmarks", "Fitting", "ParameterFiles", "Tracking",
            "Atlas", "Matching", "Evaluation", "RealFaces", "TFLiteFormat", "TFLiteInference", "DenseLandmarks",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // MARK: System libraries (Debian packages installed by scripts/bootstrap)
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACKE", pkgConfig: "lapacke", providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(name: "CAssimp", pkgConfig: "assimp", providers: [.apt(["libassimp-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),  // libjpeg (libjpeg62-turbo-dev) with a setjmp error bridge
        .systemLibrary(name: "CGzip", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: C++ bridges
        .target(
            name: "AssimpBridge",
            dependencies: ["CAssimp"],
            cxxSettings: [.unsafeFlags(["-std=c++17"])],
            linkerSettings: [.linkedLibrary("assimp"), .linkedLibrary("stdc++")]
        ),
        .target(
            name: "EigenBridge",
            cxxSettings: [.unsafeFlags(["-std=c++17", "-I/usr/include/eigen3", "-O2"])],
            linkerSettings: [.linkedLibrary("stdc++")]
        ),
        .target(
            name: "DlibBridge",
            // dlib's detector and predictor are header templates compiled here: optimize even in debug builds.
            cxxSettings: [.unsafeFlags(["-std=c++17", "-O2"] + dlibSIMD)],
            // libdlib (Debian's libdlib-dev); dlib's headers call BLAS and LAPACK directly (DLIB_USE_BLAS/LAPACK).
            linkerSettings: [.linkedLibrary("dlib"), .linkedLibrary("lapack"), .linkedLibrary("blas"), .linkedLibrary("stdc++")]
        ),

        // MARK: Foundations
        .target(name: "FaceAtlasCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Numerics", dependencies: ["CBLAS", "CLAPACKE", "FaceAtlasCore"]),
        .target(name: "NumPyFormat", dependencies: ["FaceAtlasCore", "ZIPFoundation", "CGzip"]),
        .target(name: "TFLiteFormat", dependencies: ["FaceAtlasCore"]),
        .target(name: "Imaging", dependencies: ["CPNG", "CJPEG", "FaceAtlasCore"]),
        .target(name: "Mesh", dependencies: ["AssimpBridge", "EigenBridge", "FaceAtlasCore", "Numerics"]),
        .target(name: "Render", dependencies: ["Mesh", "Imaging", "FaceModel", "FaceAtlasCore"]),

        // MARK: Landmark input
        .target(name: "Landmarks", dependencies: ["FaceAtlasCore", "NumPyFormat"]),

        // MARK: The morphable model
        .target(name: "FaceModel", dependencies: ["FaceAtlasCore", "Numerics", "NumPyFormat", "Mesh", "CBLAS"]),
        .target(
            name: "ModelAuthoring",
            dependencies: ["FaceModel", "Mesh", "Imaging", "Numerics", "NumPyFormat", "EigenBridge", "CGzip", "ZIPFoundation", "FaceAtlasCore"]
        ),

        // MARK: Reconstruction
        .target(name: "Fitting", dependencies: ["FaceModel", "Mesh", "Landmarks", "Numerics", "CBLAS", "CLAPACKE", "FaceAtlasCore"]),

        // MARK: Matching and evaluation
        .target(name: "Matching", dependencies: ["Atlas", "Diagnosis", "NeuralNet", "Render", "Tracking", "Imaging", "ParameterFiles", "FaceModel", "Numerics", "FaceAtlasCore"]),
        .target(name: "Evaluation", dependencies: ["Matching", "Atlas", "ParameterFiles", "FaceModel", "Numerics", "Imaging", "FaceAtlasCore"]),
        // MARK: The CNN diagnoser
        // Vectorised convolution kernels (AVX-512, AVX2 or portable C, chosen at run time); optimised in debug builds too.
        .target(name: "ConvolutionKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "NeuralNet", dependencies: ["CBLAS", "ConvolutionKernels", "Numerics", "NumPyFormat", "FaceAtlasCore"]),
        .target(name: "TFLiteInference", dependencies: ["TFLiteFormat", "NeuralNet", "FaceAtlasCore"]),
        .target(name: "DenseLandmarks", dependencies: ["TFLiteInference", "TFLiteFormat", "Tracking", "Landmarks", "Render", "FaceModel", "Mesh", "Imaging", "FaceAtlasCore"]),
        .target(name: "Diagnosis", dependencies: ["NeuralNet", "Imaging", "FaceModel", "Numerics", "FaceAtlasCore"]),

        .target(name: "ParameterFiles", dependencies: ["FaceAtlasCore", "NumPyFormat", .product(name: "Crypto", package: "swift-crypto")]),

        // MARK: Tracking (video → landmark sequences)
        .target(name: "Tracking", dependencies: ["DlibBridge", "Landmarks", "Imaging", "FaceAtlasCore"]),

        // MARK: Reference faces
        .target(name: "Atlas", dependencies: ["FaceModel", "ParameterFiles", "Render", "Mesh", "Imaging", "Numerics", "NumPyFormat", "FaceAtlasCore", "CBLAS"]),
        // MARK: The real-face benchmark (real photos and videos through tracking, fitting and rendering)
        .target(name: "RealFaces", dependencies: ["Fitting", "Tracking", "DenseLandmarks", "Render", "FaceModel", "Landmarks", "Imaging", "Numerics", "FaceAtlasCore"]),
        // MARK: Cohorts (synthetic cohort generator)
        .target(
            name: "Cohort",
            dependencies: ["Atlas", "Matching", "Evaluation", "FaceModel", "Fitting", "Landmarks", "ParameterFiles", "Render", "Mesh", "Imaging", "Numerics", "Tracking", "FaceAtlasCore"]
        ),

        // MARK: Command line
        .executableTarget(
            name: "faceatlas",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "FaceAtlasCore", "Numerics", "NumPyFormat", "Imaging", "Mesh", "Render", "FaceModel", "ModelAuthoring", "Landmarks", "Fitting", "ParameterFiles", "Tracking",
                "Atlas", "Matching", "Evaluation", "Cohort", "NeuralNet", "Diagnosis", "RealFaces", "TFLiteFormat", "TFLiteInference", "DenseLandmarks",
            ]
        ),

        // MARK: Tests
        .target(name: "FaceAtlasTestSupport", dependencies: ["Atlas", "FaceModel", "ModelAuthoring", "ParameterFiles", "Numerics", "FaceAtlasCore"], path: "Tests/FaceAtlasTestSupport"),
        .testTarget(name: "NumericsTests", dependencies: ["Numerics"]),
        .testTarget(name: "CommandLineTests", dependencies: ["FaceAtlasTestSupport"]),
        .testTarget(name: "TFLiteFormatTests", dependencies: ["TFLiteFormat", "Numerics", "FaceAtlasCore", "FaceAtlasTestSupport"]),
        .testTarget(name: "TFLiteInferenceTests", dependencies: ["TFLiteInference", "TFLiteFormat", "NeuralNet", "FaceAtlasCore", "FaceAtlasTestSupport"]),
        .testTarget(name: "DenseLandmarksTests", dependencies: ["DenseLandmarks", "Landmarks", "Render", "FaceModel", "Imaging", "FaceAtlasCore", "FaceAtlasTestSupport"]),
        .testTarget(name: "NumPyFormatTests", dependencies: ["NumPyFormat", "Numerics"], resources: [.copy("Corpus")]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"]),
        .testTarget(name: "MeshTests", dependencies: ["Mesh"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Mesh", "Imaging"]),
        .testTarget(name: "ModelImportTests", dependencies: ["FaceModel", "NumPyFormat", "FaceAtlasCore", "Mesh", "Render"]),
        .testTarget(name: "FittingTests", dependencies: ["Fitting", "FaceModel", "ModelAuthoring", "Landmarks", "Numerics", "NumPyFormat", "FaceAtlasTestSupport"]),
        .testTarget(name: "LandmarksTests", dependencies: ["Landmarks", "FaceAtlasCore", "NumPyFormat", "FaceAtlasTestSupport"]),
        .testTarget(
            name: "ParameterFilesTests",
            dependencies: ["ParameterFiles", "NumPyFormat", "FaceAtlasCore", "Fitting", "FaceModel", "Numerics", "FaceAtlasTestSupport"],
            resources: [.copy("Corpus")]
        ),
        .testTarget(name: "TrackingTests", dependencies: ["Tracking", "Landmarks", "Imaging", "FaceAtlasCore", "FaceAtlasTestSupport"]),
        .testTarget(name: "AtlasTests", dependencies: ["Atlas", "Diagnosis", "Matching", "FaceModel", "ParameterFiles", "Mesh", "Render", "Imaging", "NumPyFormat", "Numerics", "FaceAtlasCore", "ModelAuthoring", "FaceAtlasTestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Numerics", "Imaging", "FaceAtlasCore"]),
        .testTarget(name: "MatchingTests", dependencies: ["Matching", "Evaluation", "Atlas", "Diagnosis", "Imaging", "Numerics", "FaceAtlasCore", "FaceAtlasTestSupport"]),
        .testTarget(
            name: "CohortTests",
            dependencies: ["Cohort", "Atlas", "Imaging", "FaceModel", "ModelAuthoring", "Fitting", "Landmarks", "ParameterFiles", "Numerics", "Tracking", "FaceAtlasCore", "FaceAtlasTestSupport"]
        ),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "ConvolutionKernels", "Numerics", "NumPyFormat", "FaceAtlasCore", "FaceAtlasTestSupport"]),
        .testTarget(name: "DiagnosisTests", dependencies: ["Diagnosis", "NeuralNet", "Imaging", "Numerics", "FaceAtlasCore", "FaceAtlasTestSupport"]),
        .testTarget(name: "RealFacesTests", dependencies: ["RealFaces", "FaceModel", "ModelAuthoring", "Imaging", "Landmarks", "FaceAtlasCore", "FaceAtlasTestSupport"]),
        .testTarget(name: "FaceModelTests", dependencies: ["FaceAtlasCore", "FaceModel", "ModelAuthoring", "Mesh", "Render", "Imaging", "NumPyFormat", "Numerics"]),
    ]
)
