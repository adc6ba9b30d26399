export { createUploadsService, previewPurpose, type UploadsService, type ClaimedFile, type ClaimedMedia } from './uploads.service.ts';
export { defaultUploadsPerUserPerHour, registerUploadRoutes, uploadBodyTypes, uploadPath, uploadRequestBody } from './uploads.routes.ts';
