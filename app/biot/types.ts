// Friendly names for the generated BioT shapes the client and the engine use.
// Every shape comes from app/biot/generated (openapi-typescript over BioT's own
// OpenAPI documents); nothing here is retyped by hand.
import type { components as FileSchemas } from './generated/file.ts';
import type { components as UmsSchemas } from './generated/ums.ts';
import type { components as OrgSchemas } from './generated/organization.ts';
import type { components as DeviceSchemas, operations as DeviceOps } from './generated/device.ts';
import type { components as GenericSchemas, operations as GenericOps } from './generated/generic-entity.ts';

type File = FileSchemas['schemas'];
type Ums = UmsSchemas['schemas'];

export type BiotErrorBody = File['ErrorResponse'];

export type LoginRequest = Ums['LoginRequestV2'];
export type LoginResponse = Ums['LoginResponse'];
export type RefreshTokenRequest = Ums['RefreshTokenRequest'];
export type ServiceTokenRequest = Ums['ServiceUserAccessTokenRequest'];
export type ServiceTokenResponse = Ums['ServiceUserAccessTokenResponse'];

export type CreateMultipartRequest = File['MultiplePartUploadFileUrlRequest'];
export type MultipartUpload = File['MultiplePartUploadFileUrlResponse'];
export type PartLink = File['MultiplePartSignedUrl'];
export type PartLinksRequest = File['MultiplePartUploadFileGenerateSignedUrlsRequest'];
export type PartEtag = File['MultiplePartFileUploadPart'];
export type SaveEtagsRequest = File['MultiplePartUploadFileSaveETagRequest'];
export type CompleteRequest = File['CompleteMultiplePartUploadFileRequest'];
export type CompletedUpload = File['DownloadFileUrlResponse'];
export type CreateSingleRequest = File['UploadFileUrlRequest'];
export type SingleUpload = File['UploadFileUrlResponse'];
export type DownloadLink = File['DownloadFileUrlResponse'];

// organization.ts is generated without operations (its spec's paths carry the
// /organization prefix, which the generator's path filter does not match), so
// the patient shapes come from its schemas.
export type PatientResponse = OrgSchemas['schemas']['PatientResponse'];
export type PatientUpdate = OrgSchemas['schemas']['UpdatePatientRequest'];
export type DeviceResponse = DeviceOps['getDevice']['responses'][200]['content']['application/json'];
export type DeviceUpdate = DeviceSchemas['schemas']['UpdateDeviceRequest'];
export type GenericEntityResponse = GenericOps['getGenericEntity']['responses'][200]['content']['application/json'];
export type GenericEntityUpdate = GenericSchemas['schemas']['UpdateGenericEntityRequest'];

/** The entity kinds a file can be attached to. */
export type EntityKind = 'patient' | 'device' | 'generic-entity';

/** What GET (and PATCH) on each entity kind answers. */
export type EntityResponse = {
  patient: PatientResponse;
  device: DeviceResponse;
  'generic-entity': GenericEntityResponse;
};

/** A FILE attribute's value when setting it: the file's id. */
export type FileReference = GenericSchemas['schemas']['ReferenceAttributeUUIDIdRequest'];
