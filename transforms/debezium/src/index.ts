export {
  DELETE_TOMBSTONE_MODES,
  ExtractNewRecordState,
} from './extract-new-record-state.js';
