// Moved to services/sip/ (the outbound client uses it too); kept here for the worker's imports.
export { isUnspecified, mediaAddressFor } from '../sip/media-address.js';
