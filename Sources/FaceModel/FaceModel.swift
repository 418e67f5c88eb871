// FaceModel
