export { createUploadsService, type UploadsService, type ClaimedFile } from './uploads.service.ts';
export { registerUploadRoutes, uploadBodyTypes, uploadPath, uploadRequestBody } from './uploads.routes.ts';
