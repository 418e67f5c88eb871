// ModelAuthoring
